#!/usr/bin/env bash
# Byte-identity check of this checkout's output against another commit's: synthesizes the same
# cases with both (the other from `git archive`, sharing node_modules) and compares them with
# bench/compare-outputs.ts (identical except narrowed depends_on), printing digests.
#   bash bench/compare-with.sh <commit> [cases...]      default cases: example 10x10 50x50
set -euo pipefail
here="$(realpath "$(dirname "$0")/..")"; ref="$1"; shift
cases=("$@"); [[ $# -eq 0 ]] && cases=(example 10x10 50x50)
work="$(mktemp -d /tmp/cdkfed-compare-XXXXXX)"; trap 'rm -rf "$work"' EXIT
mkdir "$work/src"; git -C "$here" archive "$ref" | tar -x -C "$work/src"; ln -s "$(realpath "$here/node_modules")" "$work/src/node_modules"
if [[ ! -f "$work/src/bench/fleet.ts" ]]; then cp "$here"/bench/fleet*.ts "$work/src/bench/"; fi
bash "$here/bench/outputs.sh" "$work/before" "$work/src" "${cases[@]}"
bash "$here/bench/outputs.sh" "$work/after" "$here" "${cases[@]}"
status=0
for c in "${cases[@]}"; do
  echo "== $c"
  for side in before after; do (cd "$work/$side/$c" && bash "$here/bench/digest.sh" dist cdktf.out | grep '^total' | sed "s/^/$side /"); done
  (cd "$here" && node --require tsx/cjs bench/compare-outputs.ts "$work/before/$c" "$work/after/$c") || status=1
done
exit $status
