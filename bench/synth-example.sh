#!/usr/bin/env bash
# Times `npm run synth` on the bundled example (6 clusters), with and without the
# Terraform output, over N runs; prints min/median/max wall seconds.
# Usage: bash bench/synth-example.sh [runs=5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
npm run build --silent >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

measure() {
  local label="$1"; shift
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$runs" '
    { a[NR] = $1 } END { printf "%-44s runs=%d min=%.2fs median=%.2fs max=%.2fs\n", label, n, a[1], a[int((n + 1) / 2)], a[n] }'
}

measure "npm run synth (manifests + terraform)" npm run synth --silent -- --out "$out/dist" --terraform-out "$out/tf"
measure "cdkfed synth --no-terraform" node bin/cdkfed synth --out "$out/dist" --no-terraform
measure "node --require tsx/cjs (startup floor)" node --require tsx/cjs -e ''
