#!/usr/bin/env bash
# Durable vs. in-memory store, end to end, and recovery time after a crash.
#   (a) one process runs a 1,000,000-task noop job with --store=memory, then
#       the same with --store=sqlite:FRESH.db; prints each throughput line.
#   (b) a registry+manager+producer (no consumer) stores 1,000,000 pending
#       tasks and is SIGKILLed; a manager restarted on that file prints how
#       long its recovery took.
# Usage: bench/store_compare.sh [TASKS]   (env DROVER=path/to/drover)
# Every step has a time limit; only the processes started here are signalled;
# the temp dir is removed on exit.
set -u

TASKS=${1:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
DROVER=${DROVER:-$HERE/../build/drover}
[[ -x $DROVER ]] || { echo "no drover binary at $DROVER (set DROVER=...)" >&2; exit 2; }

TMP=$(mktemp -d /tmp/drover-store-compare-XXXXXX)
BG_PID=""

cleanup() {
  if [[ -n $BG_PID ]] && kill -0 "$BG_PID" 2>/dev/null; then
    kill -KILL "$BG_PID" 2>/dev/null
    { wait "$BG_PID"; } 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for FILE TEXT SECONDS: polls until FILE contains TEXT or the limit
# passes, or the background process died; 0 if found.
wait_for() {
  local file=$1 text=$2 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    grep -q -- "$text" "$file" 2>/dev/null && return 0
    kill -0 "$BG_PID" 2>/dev/null || { grep -q -- "$text" "$file" 2>/dev/null; return; }
    sleep 0.05
  done
  return 1
}

# stop_bg SIGNAL SECONDS: signals the background process, waits for it
# (bounded), SIGKILLs it if it is still there.
stop_bg() {
  local sig=$1 deadline=$((SECONDS + $2))
  kill "-$sig" "$BG_PID" 2>/dev/null
  while kill -0 "$BG_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  kill -KILL "$BG_PID" 2>/dev/null
  { wait "$BG_PID"; } 2>/dev/null
  BG_PID=""
}

echo "drover: $DROVER"
echo "tasks:  $TASKS, $(nproc) cores"
echo

# -- (a) end-to-end throughput -------------------------------------------------
status=0
for store in memory "sqlite:$TMP/throughput.db"; do
  label=${store%%:*}
  if ! timeout 600 "$DROVER" run --http=off --listen=127.0.0.1:0 --tasks="$TASKS" --type=noop \
         --store="$store" >"$TMP/$label.out" 2>"$TMP/$label.err"; then
    echo "$label: run failed (exit $?); stderr:" >&2
    tail -5 "$TMP/$label.err" >&2
    status=1
    continue
  fi
  printf '%-7s %s\n' "$label:" "$(grep -m1 '^throughput:' "$TMP/$label.out")"
done
rm -f "$TMP"/throughput.db*
echo

# -- (b) recovery of TASKS pending tasks ---------------------------------------
DB=$TMP/recovery.db
"$DROVER" run --http=off --role=registry,manager,producer --listen=127.0.0.1:0 \
  --store="sqlite:$DB" --tasks="$TASKS" --type=noop \
  >"$TMP/fill.out" 2>"$TMP/fill.err" &
BG_PID=$!
if ! wait_for "$TMP/fill.out" "tasks stored" 300; then
  echo "recovery: the job was not stored within 300 s; stderr:" >&2
  tail -5 "$TMP/fill.err" >&2
  exit 1
fi
echo "stored:   $(grep -m1 'tasks stored' "$TMP/fill.out")"
stop_bg KILL 10 # the crash
echo "database: $(du -sh "$DB" | cut -f1) (+ WAL $(du -sh "$DB-wal" 2>/dev/null | cut -f1 || echo 0))"

"$DROVER" run --http=off --role=registry,manager --listen=127.0.0.1:0 --store="sqlite:$DB" \
  --ready-file="$TMP/restart.ready" >"$TMP/restart.out" 2>"$TMP/restart.err" &
BG_PID=$!
start_ns=$(date +%s%N)
deadline=$((SECONDS + 120)) # the ready file appears once the recovery is done
until [[ -s $TMP/restart.ready ]]; do
  if ((SECONDS >= deadline)) || ! kill -0 "$BG_PID" 2>/dev/null; then
    echo "recovery: the manager was not ready within 120 s; stderr:" >&2
    tail -5 "$TMP/restart.err" >&2
    exit 1
  fi
  sleep 0.05
done
wall_ms=$((($(date +%s%N) - start_ns) / 1000000))
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['recovered']; \
print(f\"manager:  recovered {r['jobs']} jobs, {r['unfinished']} unfinished tasks ({r['leased']} were leased)\")" \
  "$TMP/restart.ready"
secs=$(grep -m1 -o 'ready after recovery in [0-9.]* s' "$TMP/restart.err" | grep -o '[0-9.]* s')
echo "recovery: $secs (manager's own measure; process start to ready file: ~${wall_ms} ms)"
stop_bg TERM 30
exit $status
