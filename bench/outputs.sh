#!/usr/bin/env bash
# Synthesizes the example and fleets (bench/fleet.ts) into <out>/<case>/{dist,cdktf.out} with
# the code of <src> (default: this checkout).
#   bash bench/outputs.sh <out> [src] [cases...]      cases: example | <clusters>x<apps>  (default: example 10x10 50x50)
set -euo pipefail
out="$(realpath -m "$1")"; src="$(realpath "${2:-$(dirname "$0")/..}")"; shift $(( $# > 1 ? 2 : 1 ))
cases=("${@:-example 10x10 50x50}"); [[ $# -eq 0 ]] && cases=(example 10x10 50x50)
cd "$src"
for c in "${cases[@]}"; do
  rm -rf "${out:?}/$c"; mkdir -p "$out/$c"
  if [[ "$c" == example ]]; then app=(apps/shop.ts); else app=(bench/fleet.ts "${c%x*}" "${c#*x}"); fi
  CDKFED_OUTDIR="$out/$c/dist" CDKTF_OUTDIR="$out/$c/cdktf.out" nice -n 15 node --require tsx/cjs "${app[@]}"
done
