#!/usr/bin/env bash
# Synth time of this checkout against another commit's, alternated (A B A B ...) in the same
# run: bench/fleet.ts at one size, manifests only and + Terraform, each run into a fresh folder
# kept until the end (see scale.sh on deleting files); medians of wall, user and system seconds.
#   nice -n 10 bash bench/ab.sh <commit> [<clusters>x<apps>] [pairs]      default 1000x100, 3 pairs
set -euo pipefail
here="$(realpath "$(dirname "$0")/..")"; ref="$1"; size="${2:-1000x100}"; pairs="${3:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cdkfed-ab-XXXXXX")"; trap 'rm -rf "$work"' EXIT
mkdir "$work/src"; git -C "$here" archive "$ref" | tar -x -C "$work/src"; ln -s "$here/node_modules" "$work/src/node_modules"
run() { # <src> <terraform 0|1> → "<wall> <user> <system> <peak RSS KiB>"
  local out; out="$(mktemp -d "$work/out-XXXXXX")"
  (cd "$1" && CDKFED_TERRAFORM="$2" CDKFED_OUTDIR="$out/dist" CDKTF_OUTDIR="$out/cdktf.out" \
    /usr/bin/time -f '%e %U %S %M' -o "$out.time" node --require tsx/cjs bench/fleet.ts "${size%x*}" "${size#*x}" > "$out.log" 2>&1) || { cat "$out.log" >&2; exit 1; }
  cat "$out.time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
run "$work/src" 0 > /dev/null; run "$here" 0 > /dev/null # warm-up: tsx compiles and caches both sources
for tf in 0 1; do
  : > "$work/A"; : > "$work/B"
  for _ in $(seq "$pairs"); do run "$work/src" "$tf" >> "$work/A"; run "$here" "$tf" >> "$work/B"; done
  for side in A B; do
    printf '%s %s %s: wall %s s, user %s s, system %s s, peak RSS %s MiB (medians of %s)\n' "$size" "$([[ $tf == 1 ]] && echo '+ Terraform' || echo 'manifests  ')" \
      "$([[ $side == A ]] && echo "$ref" || echo 'this checkout')" \
      "$(cut -d' ' -f1 "$work/$side" | median)" "$(cut -d' ' -f2 "$work/$side" | median)" "$(cut -d' ' -f3 "$work/$side" | median)" \
      "$(cut -d' ' -f4 "$work/$side" | median | awk '{ printf "%.0f", $1 / 1024 }')" "$pairs"
  done
done
