#!/usr/bin/env bash
# The second of the README's two commands: installs and builds what is
# missing (tools/setup.sh; the build of tools/start.sh is reused, only
# what changed is rebuilt), then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
ctest --test-dir build --output-on-failure -j 2 --timeout 300 "$@"
