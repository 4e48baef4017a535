#!/usr/bin/env bash
# The first of the README's two commands: installs what drover needs (apt,
# as root or with sudo), builds it into ./build, then runs the demo: every
# role in one process, the SQLite store in ./drover-data, the dashboard on
# 127.0.0.1:8080 and a job whose tasks run through an exec handler. On a
# terminal it keeps serving the dashboard until Ctrl-C; under CI=true or
# without a terminal it exits once the job is done. Extra arguments go to
# `drover run --demo` (e.g. --http=127.0.0.1:0 if 8080 is taken).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec ./build/drover run --demo "$@"
