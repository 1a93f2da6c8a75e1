#!/usr/bin/env bash
# sha256 of every file under each folder given (relative paths, sorted; .terraform/ skipped),
# then one line "total <sha256 of that list>" per folder.
#   bash bench/digest.sh dist cdktf.out
set -euo pipefail
for dir in "$@"; do
  list="$(cd "$dir" && find . -type f -not -path '*/.terraform/*' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)"
  printf '%s\n' "$list"
  printf 'total %s %s\n' "$(printf '%s\n' "$list" | sha256sum | cut -d' ' -f1)" "$dir"
done
