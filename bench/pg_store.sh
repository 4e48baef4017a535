#!/usr/bin/env bash
# Durable throughput end to end, SQLite and PostgreSQL side by side in one
# run: `drover run` with every role in one process (W7's command) and
# --tasks=N no-op tasks, once with --store=sqlite:FILE and once with
# --store=postgres://... on a PostgreSQL 15 this script starts itself
# (drover_pg_server: initdb into a temp dir, 127.0.0.1, a free port, fsync
# on), alternating for R rounds; each run gets a fresh file or database.
# Both with --durability=disk (the default): every acknowledged list and
# group commit is fsync'ed (SQLite synchronous=FULL, PostgreSQL
# synchronous_commit=on). Prints the medians; figures in bench/README.md.
#
#   bash bench/pg_store.sh [--build-dir=DIR] [--tasks=N] [--rounds=R] [--keep]
set -euo pipefail
BUILD=./build N=100000 ROUNDS=3 KEEP=0
for a in "$@"; do
  case $a in
    --build-dir=*) BUILD=${a#*=} ;;
    --tasks=*) N=${a#*=} ;;
    --rounds=*) ROUNDS=${a#*=} ;;
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--build-dir=DIR] [--tasks=N] [--rounds=R] [--keep]" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/lib/scratch.sh"
source "$(dirname "$0")/lib/pg.sh"
DROVER=$BUILD/drover PGSERVER=$BUILD/drover_pg_server
for b in "$DROVER" "$PGSERVER"; do
  [[ -x $b ]] || { echo "missing $b: cmake --build $BUILD --target drover drover_pg_server" >&2; exit 2; }
done
bench_scratch pg-store
trap 'set +e; stop_pg; bench_cleanup' EXIT

dbs=()
for r in $(seq "$ROUNDS"); do dbs+=("bench$r"); done
start_pg "$PGSERVER" "${dbs[@]}"
url_of() { pg_url "bench$1"; }

run_one() { # run_one LABEL STORE -> prints tasks/s (empty on failure)
  local label=$1 store=$2 out=$TMP/$1.out
  timeout -k 5 600 "$DROVER" run --http=off --listen=127.0.0.1:0 --store="$store" \
    --tasks="$N" --type=noop >"$out" 2>"$TMP/$label.err" || true
  grep -m1 -o '^throughput: [0-9]*' "$out" | awk '{print $2}'
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
note "N=$N no-op tasks, $ROUNDS rounds; load at start $LOAD_START"
sq=() pg=()
for r in $(seq "$ROUNDS"); do
  t=$(run_one "sqlite.$r" "sqlite:$TMP/bench.$r.db"); rm -f "$TMP/bench.$r.db"*
  note "round $r sqlite: ${t:-FAIL} tasks/s"; sq+=("${t:-0}")
  t=$(run_one "postgres.$r" "$(url_of "$r")")
  note "round $r postgres: ${t:-FAIL} tasks/s"; pg+=("${t:-0}")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms=$(median "${sq[@]}") mp=$(median "${pg[@]}")
echo
echo "| store (--durability=disk) | tasks/s, median of $ROUNDS (runs) |"
echo "|---|---|"
echo "| sqlite | $ms (${sq[*]}) |"
echo "| postgres | $mp (${pg[*]}) |"
echo "| postgres / sqlite | $(awk -v a="$mp" -v b="$ms" 'BEGIN {printf "%.2f", b ? a / b : 0}') |"
echo
echo "N=$N, $(date -u '+%Y-%m-%d %H:%M UTC'), load at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $ms != 0 && $mp != 0 ]]
