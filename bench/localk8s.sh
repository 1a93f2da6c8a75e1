#!/usr/bin/env bash
# Measures the local Kubernetes toolchain and clusters (test/localk8s):
#   - first build from empty caches (only with --fresh-build; takes tens of minutes),
#   - cached build (toolchain already built),
#   - disk use of the toolchain cache,
#   - `clusters:up --count 3` from nothing, and a second `up` that reuses the running clusters,
#   - resident memory (RSS) per cluster, summed over its 5 processes, at ready and after settling.
# The clusters run in a private state dir on other ports, so a user's own clusters are untouched.
# usage: bench/localk8s.sh [--fresh-build]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

if [[ "${1:-}" == "--fresh-build" ]]; then
  fresh="$(mktemp -d /tmp/localk8s-bench-XXXXXX)"
  echo "first build from empty caches (GOMODCACHE, GOCACHE and toolchain home under $fresh) ..."
  t0=$(now)
  CDKFED_LOCALK8S_HOME="$fresh/home" GOMODCACHE="$fresh/mod" GOCACHE="$fresh/cache" \
    bash test/localk8s/build.sh 2> "$fresh/build.log"
  echo "first build (empty caches, incl. module downloads): $(secs "$t0" "$(now)") s"
  grep 'built in' "$fresh/build.log" | sed 's/^\[localk8s build\]/ /' 
  echo "  toolchain: $(du -sh "$fresh/home" | cut -f1), module cache: $(du -sh "$fresh/mod" | cut -f1), build cache: $(du -sh "$fresh/cache" | cut -f1)"
  chmod -R u+w "$fresh"; rm -rf "$fresh"
fi

home="${CDKFED_LOCALK8S_HOME:-$HOME/.cache/cdk-federation/localk8s}"
t0=$(now)
bash test/localk8s/build.sh 2>/dev/null
echo "cached build (npm run clusters:build, toolchain present): $(secs "$t0" "$(now)") s"
echo "toolchain cache on disk: $(du -sh "$home" | cut -f1) ($home)"

export CDKFED_LOCALK8S_STATE; CDKFED_LOCALK8S_STATE="$(mktemp -d /tmp/localk8s-bench-state-XXXXXX)"
export CDKFED_LOCALK8S_BASE_PORT="${CDKFED_LOCALK8S_BASE_PORT:-17400}"
cli() { node_modules/.bin/tsx test/localk8s/clusters.ts "$@"; }
trap 'cli down >/dev/null 2>&1 || true; rm -rf "$CDKFED_LOCALK8S_STATE"' EXIT

t0=$(now)
cli up --count 3 > "$CDKFED_LOCALK8S_STATE/up.log"
echo "clusters:up --count 3 (cached toolchain, no clusters running): $(secs "$t0" "$(now)") s"
t0=$(now)
cli up --count 3 > /dev/null
echo "clusters:up --count 3 again (reuses running clusters): $(secs "$t0" "$(now)") s"

rss_report() {
  cli status | awk -v label="$1" '/^local-/ { for (i = 1; i <= NF; i++) if ($i == "rss") { sum += $(i+1); n++; printf "  %s %s: %s MiB\n", label, $1, $(i+1) } }
    END { if (n) printf "  %s mean per cluster: %.0f MiB (total %d MiB for %d clusters)\n", label, sum / n, sum, n }'
}
echo "memory per cluster (RSS of etcd + apiserver + controller-manager + scheduler + kwok):"
rss_report "at ready"
sleep 30
rss_report "after 30 s idle"

t0=$(now)
cli down > /dev/null
echo "clusters:down: $(secs "$t0" "$(now)") s"
