#!/usr/bin/env bash
# Curves, not points: tasks/s and p99 latency (submit -> done) of
# `drover simulate` against the number of consumers, the payload size and
# the queue depth, one line per store (memory, sqlite, and PostgreSQL 15
# started by drover_pg_server as bench/pg_store.sh does), plus consumers as
# processes (`simulate --processes`: every consumer its own `drover run`
# process, so only small counts). Writes OUT/curves.dat (one row per run) and
# draws OUT/consumers.png, OUT/payload.png and OUT/queued.png with gnuplot.
# Every run: noop tasks, 4 producers (one job each), capacity 64, one process
# unless the mode says processes; the base point of each sweep is 64
# consumers, 16 B payload, nothing queued. The consumers sweep also runs
# spread over 4 processes (lib/spread.sh: registry+manager, two swarm_bench
# processes with half of the consumers each, one producer), per store.
#
#   bash bench/curves.sh [--build-dir=DIR] [--out=DIR] [--tasks=N] [--quick]
#                        [--stores=memory,sqlite,postgres] [--deep] [--keep]
#
# Env RUN_TIMEOUT: seconds one run may take (default 1200).
# --quick: N=20000, consumers up to 1,024, 100 k queued: checks it all works.
# --deep: the queue-depth sweep adds 10 M queued (memory and sqlite; ~4 GB
#         of RAM, ~600 MB of disk, ~4 minutes).
# PostgreSQL runs the consumer and payload sweeps only (not a queued backlog).
set -euo pipefail
BUILD=./build OUT=bench/curves N=200000 QUICK=0 DEEP=0 KEEP=0 STORES=memory,sqlite,postgres
for a in "$@"; do
  case $a in
    --build-dir=*) BUILD=${a#*=} ;;
    --out=*) OUT=${a#*=} ;;
    --tasks=*) N=${a#*=} ;;
    --stores=*) STORES=${a#*=} ;;
    --quick) QUICK=1 ;;
    --deep) DEEP=1 ;;
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--build-dir=DIR] [--out=DIR] [--tasks=N] [--quick] [--stores=LIST] [--deep] [--keep]" >&2
       exit 2 ;;
  esac
done
source "$(dirname "$0")/lib/scratch.sh"
source "$(dirname "$0")/lib/pg.sh"
source "$(dirname "$0")/lib/spread.sh"
DROVER=$BUILD/drover PGSERVER=$BUILD/drover_pg_server SWARM=$BUILD/swarm_bench
for b in "$DROVER" "$SWARM"; do
  [[ -x $b ]] || { echo "missing $b: cmake --build $BUILD --target drover swarm_bench" >&2; exit 2; }
done
command -v gnuplot >/dev/null || { echo "gnuplot missing: apt-get install gnuplot-nox (tools/setup.sh)" >&2; exit 2; }
CONSUMERS=(4 64 1024 10000) PROC_CONSUMERS=(4 16 64) QUEUED=(0 1000000)
if ((QUICK)); then
  N=20000 CONSUMERS=(4 64 1024) PROC_CONSUMERS=(4 16) QUEUED=(0 100000)
fi
((DEEP)) && QUEUED+=(10000000)
IFS=, read -r -a stores <<<"$STORES"
mkdir -p "$OUT"
DAT=$OUT/curves.dat
bench_scratch curves

trap 'set +e; stop_pg; bench_cleanup' EXIT
PG_DBS=0
if [[ " ${stores[*]} " == *" postgres "* ]]; then
  [[ -x $PGSERVER ]] || { echo "missing $PGSERVER: cmake --build $BUILD --target drover_pg_server" >&2; exit 2; }
  dbs=()
  for i in $(seq 40); do dbs+=("curve$i"); done # one fresh database per run
  start_pg "$PGSERVER" "${dbs[@]}"
fi
store_spec() { # store_spec NAME -> the --store value for a new run
  case $1 in
    memory) echo memory ;;
    sqlite) rm -f "$TMP/run.db"*; echo "sqlite:$TMP/run.db" ;;
    postgres) pg_url "curve$PG_DBS" ;;
  esac
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
printf '# drover simulate curves, %s; load at start %s; %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  "$LOAD_START" "$("$DROVER" --version | head -1)" >"$DAT"
printf '# sweep store mode consumers payload_bytes queued tasks tasks_per_s p50_ms p99_ms ok\n' >>"$DAT"

# run SWEEP STORE MODE CONSUMERS PAYLOAD QUEUED TASKS: one simulate, one row
run() {
  local sweep=$1 store=$2 mode=$3 c=$4 p=$5 q=$6 n=$7 spec args out
  [[ $store == postgres ]] && PG_DBS=$((PG_DBS + 1)) # a fresh database per run
  spec=$(store_spec "$store")
  [[ -n $spec ]] || { note "no database left for $store"; return 0; }
  if [[ $mode == spread ]]; then
    local row
    row=$(spread_run "$spec" "$c" "$n" "$p")
    printf '%s %s %s %s %s %s %s %s\n' "$sweep" "$store" "$mode" "$c" "$p" "$q" "$n" "$row" >>"$DAT"
    note "$(tail -1 "$DAT")"
    rm -f "$TMP/run.db"*
    return 0
  fi
  args=(simulate --json --producers=4 --consumers="$c" --tasks="$n" --store="$spec"
        --payload-bytes="$p")
  ((q > 0)) && args+=(--queued="$q")
  [[ $mode == processes ]] && args+=(--processes --time-limit=900)
  out=$TMP/run.json
  if ! timeout -k 10 "${RUN_TIMEOUT:-1200}" "$DROVER" "${args[@]}" >"$out" 2>"$TMP/run.err"; then
    note "$sweep $store $mode c=$c p=$p q=$q: FAILED ($(tail -2 "$TMP/run.err" | tr '\n' ' '))"
    printf '%s %s %s %s %s %s %s 0 0 0 0\n' "$sweep" "$store" "$mode" "$c" "$p" "$q" "$n" >>"$DAT"
    return 0
  fi
  python3 - "$out" "$sweep" "$store" "$mode" "$c" "$p" "$q" "$n" >>"$DAT" <<'EOF'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
d = r["submit_to_done"]
print(*sys.argv[2:], round(r["tasks_per_s"]), d["p50_ms"], d["p99_ms"], 1 if r["ok"] else 0)
EOF
  note "$(tail -1 "$DAT")"
  rm -f "$TMP/run.db"*
}

note "N=$N tasks per run; stores: ${stores[*]}; load at start $LOAD_START"
for s in "${stores[@]}"; do
  for c in "${CONSUMERS[@]}"; do run consumers "$s" one-process "$c" 16 0 "$N"; done
done
for s in "${stores[@]}"; do
  for c in "${CONSUMERS[@]}"; do run consumers "$s" spread "$c" 16 0 "$N"; done
done
for c in "${PROC_CONSUMERS[@]}"; do run consumers memory processes "$c" 16 0 "$N"; done
for s in "${stores[@]}"; do
  for p in 16 1024 65536; do
    n=$N
    ((p == 65536)) && n=$((N / 10)) # 64 KiB x 200 k would be 13 GB held at once
    run payload "$s" one-process 64 "$p" 0 "$n"
  done
  for q in "${QUEUED[@]}"; do
    [[ $q -gt 0 && $s == postgres ]] && continue # 1 M rows through libpq: minutes
    run queued "$s" one-process 64 16 "$q" $((N / 2))
  done
done
stop_pg
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
printf '# load at end %s\n' "$LOAD_END" >>"$DAT"
note "load at end $LOAD_END; drawing"
bash "$(dirname "$0")/lib/plot_curves.sh" "$DAT" "$OUT"
note "wrote $DAT and $OUT/*.png"
