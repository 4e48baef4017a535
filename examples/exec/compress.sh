#!/bin/sh
# An exec handler: compresses the file the payload names (the task's one
# argument, "{payload}" in examples/handlers.yaml) next to it, keeps the
# original, and prints the new file's name: that is the task's result.
# Exit 2 (a bad payload) is listed in no_retry_exit_codes: no retry.
set -eu
file="${1:-}"
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "no such file: '$file'" >&2
  exit 2
fi
gzip -k -f -- "$file"
echo "compressing $file" >&2
printf '%s.gz' "$file"
