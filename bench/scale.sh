#!/usr/bin/env bash
# Synthesis at fleet scale (issue #10): bench/fleet.ts at N clusters × K apps (Deployment +
# Service + ConfigMap each, every app on every cluster), manifests only and full
# (manifests + Terraform + federation.json), each run into a fresh folder; wall time and
# peak RSS from /usr/bin/time, objects per second and µs per object. Then, pair by pair in
# the same run, 50 × 50 manifests-only against plain cdk8s emitting the same objects
# (bench/fleet-raw-cdk8s.ts): the median of the per-pair ratios. Each size also times the
# file-system floor: writing as many files with nothing else, which on a shared disk can
# be most of the time.
#   bash bench/scale.sh [--sizes "10x10 100x100 500x100 1000x100"] [--runs 1] [--pairs 5] [--no-ratio]
# Run it niced on a shared machine: nice -n 15 bash bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="10x10 100x100 500x100 1000x100"; runs=1; pairs=5; ratio=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --no-ratio) ratio=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d "${TMPDIR:-/tmp}/cdkfed-scale-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# one run into a fresh folder, kept until the end: prints "<wall seconds> <peak RSS KiB> <CPU seconds (user + system)> <system seconds>"
timed() {
  local out; out="$(mktemp -d "$work/out-XXXXXX")" # (runs happen in subshells: no counter)
  CDKFED_OUTDIR="$out/dist" CDKTF_OUTDIR="$out/cdktf.out" CDK8S_OUTDIR="$out/raw" \
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
  awk '{ printf "%s %s %.1f %.1f\n", $1, $2, $3 + $4, $4 }' "$work/time"
}
fleet() { local tf="$1" c="$2" a="$3"; CDKFED_TERRAFORM="$tf" timed node --require tsx/cjs bench/fleet.ts "$c" "$a"; }
raw() { timed node --require tsx/cjs bench/fleet-raw-cdk8s.ts "$1" "$2"; }
# the file system's share: as many files of the average manifest size, nothing else (bench/fs-floor.js)
floor() { timed node bench/fs-floor.js "$1" "$2"; }

fleet 1 10 10 > /dev/null; raw 10 10 > /dev/null # warm-up: tsx compiles and caches the sources once

echo "| clusters × apps | objects | output | wall s | CPU s | of which system s | peak RSS MiB | objects/s | µs/object |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for size in $sizes; do
  c="${size%x*}"; a="${size#*x}"; objects=$(( c * (3 * a + 1) ))
  read -r wall rss cpu sys < <(floor "$c" "$objects")
  awk -v c="$c" -v a="$a" -v n="$objects" -v w="$wall" -v r="$rss" -v u="$cpu" -v s="$sys" 'BEGIN {
    printf "| %d × %d | %d | (file-system floor: as many plain file writes) | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f |\n", c, a, n, w, u, s, r / 1024, n / w, w * 1e6 / n }'
  for mode in manifests full; do
    tf=$([[ $mode == full ]] && echo 1 || echo 0)
    for _ in $(seq "$runs"); do
      read -r wall rss cpu sys < <(fleet "$tf" "$c" "$a")
      awk -v c="$c" -v a="$a" -v n="$objects" -v m="$mode" -v w="$wall" -v r="$rss" -v u="$cpu" -v s="$sys" 'BEGIN {
        printf "| %d × %d | %d | %s | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f |\n", c, a, n, (m == "full" ? "manifests + Terraform" : "manifests only"), w, u, s, r / 1024, n / w, w * 1e6 / n }'
    done
  done
done

if [[ $ratio == 1 ]]; then
  echo
  echo "50 × 50 manifests only vs plain cdk8s, $pairs pairs (A = cdk-federation, B = cdk8s; A B A B ...):"
  ratios=()
  for i in $(seq "$pairs"); do
    read -r a _ _ _ < <(fleet 0 50 50)
    read -r b _ _ _ < <(raw 50 50)
    ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')")
    echo "  pair $i: ${a}s / ${b}s = ${ratios[-1]}"
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "  A/B median %.2f (min %.2f, max %.2f)\n", (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2), r[1], r[NR] }'
fi
