#!/usr/bin/env bash
# CTest entry of the dashboard's browser test (dashboard.test.mjs).
# Usage: run.sh PATH/drover [OUT_DIR]   (one screenshot per page: OUT_DIR/dashboard-*.png)
# Exits 77 (CTest: skipped) when Chromium, Node.js or playwright-core is
# missing; tools/setup.sh installs all three.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:?usage: run.sh PATH/drover [OUT_DIR]}"
out="${2:-}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

skip() { echo "SKIPPED dashboard browser test: $1" >&2; exit 77; }
[ -x "$chromium" ] || skip "no $chromium (apt-get install chromium)"
command -v node >/dev/null || skip "no node (apt-get install nodejs npm)"
[ -d "$here/node_modules/playwright-core" ] || skip "no playwright-core (npm ci --prefix web/test)"

args=(--bin="$bin")
[ -z "$out" ] || args+=(--shots="$out")
cd "$here"
exec node dashboard.test.mjs "${args[@]}"
