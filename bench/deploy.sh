#!/usr/bin/env bash
# Deploy benchmark (see bench/deploy.ts): builds kubectl from the same Kubernetes module as the
# local API servers (cached), then runs N rounds on 6 local clusters.
# Usage: bash bench/deploy.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
CDKFED_BUILD_KUBECTL=1 bash test/localk8s/build.sh
npx tsc -p tsconfig.json
npx tsx bench/deploy.ts "${1:-3}"
