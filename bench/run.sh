#!/usr/bin/env bash
# drover vs gearmand, same machine, same run. Performance is a ratio
# against the peer, never an absolute pass/fail: every workload runs on drover
# and on gearmand one after the other, ROUNDS rounds alternating, and the
# table shows medians and drover/gearmand.
#
#   W1  noop throughput: drover all roles in one process (memory store) vs
#       gearmand + 2 workers + 1 client (submit N foreground jobs, wait all)
#   W2  noop throughput: drover registry+manager, 2 consumers, producer as 4
#       processes, on the memory store and on sqlite (the default store), vs
#       the W1 gearmand runs (always 4 processes)
#   W3  latency, one task at a time, submit -> result, p50/p99: drover in one
#       process and across processes (bench/latency_bench) vs gearmand
#   W4  failover: SIGKILL the consumer/worker holding a 5 s task, time until
#       it runs again elsewhere (drover: --grace default 1 s)
#   W5  manager memory per queued task: RSS delta with N5A and N5B tasks
#       queued and no consumer (drover sqlite and memory store; gearmand
#       background jobs, builtin queue); one round
#   W6  recovery after SIGKILL with N6 pending tasks: drover (sqlite) start ->
#       "ready after recovery"; gearmand (libsqlite3 queue) start -> status
#       shows all N6 jobs queued
#   W7  durable vs memory store: drover sqlite (fsync per commit, the
#       default, and --durability=process) vs memory (one process, N noop);
#       gearmand background jobs, libsqlite3 vs builtin queue
#
# Usage: bench/run.sh [--quick] [--build-dir=DIR] [--rounds=R] [--only=W1,W3]
#                     [--rebuild] [--keep]
#   --quick      small N, one round: checks that everything works (~1-2 min)
#   --build-dir  where drover and latency_bench are (default ./build); built
#                there (cmake) if missing, or always with --rebuild
#   --keep       keep the scratch directory (logs) instead of removing it
# Sizes (full / --quick): N = 100k / 20k noop tasks (W1, W2, W7; gearmand's
# libsqlite3 queue in W7: 500 / 200 jobs, it writes ~30-140 jobs/s), 2000 / 300
# one-at-a-time tasks (W3), a 5 s / 2 s task (W4), 1M and 5M / 100k and 300k
# queued (W5), 1M / 100k pending (W6). Env N_TP_OVERRIDE=N changes N,
# N6_OVERRIDE=N the pending tasks of W6 (e.g. 10000000).
# Installs gearman-job-server, libgearman-dev, g++ and sqlite3 from Debian when
# missing (sudo when not root). Servers listen on 127.0.0.1, free ports only.
# Every wait is bounded; the whole run stops starting workloads after
# BUDGET seconds (default 570); only processes started here are signalled.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$PWD/build
ROUNDS=3
ROUNDS_SET=0
QUICK=0
ONLY=""
REBUILD=0
KEEP=0
BUDGET=${BUDGET:-570}

for arg in "$@"; do
  case $arg in
    --quick) QUICK=1 ;;
    --build-dir=*) BUILD=${arg#*=} ;;
    --rounds=*) ROUNDS=${arg#*=}; ROUNDS_SET=1 ;;
    --only=*) ONLY=${arg#*=} ;;
    --rebuild) REBUILD=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds wants a positive number" >&2; exit 2; }
build_parent=$(cd "$(dirname "$BUILD")" 2>/dev/null && pwd) || {
  echo "run.sh: no such directory: $(dirname "$BUILD")" >&2; exit 2; }
BUILD=$build_parent/$(basename "$BUILD")

# Sizes: full run / --quick.
if ((QUICK)); then
  ((ROUNDS_SET)) || ROUNDS=1
  N_TP=20000; N_LAT=300; W4_MS=2000; N5A=100000; N5B=300000; N6=100000; N7_GD_DURABLE=200
else
  N_TP=100000; N_LAT=2000; W4_MS=5000; N5A=1000000; N5B=5000000; N6=1000000; N7_GD_DURABLE=500
fi
N_TP=${N_TP_OVERRIDE:-$N_TP}
N6=${N6_OVERRIDE:-$N6}

# Helpers and workloads live in bench/lib/ (sourced, they share these globals).
source "$HERE/lib/harness.sh"
source "$HERE/lib/workloads.sh"

# ==================================================================================
# Run
# ==================================================================================
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
note "drover: $DROVER ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ', working tree modified'))"
note "gearmand: $(gearmand --version 2>&1 | grep -m1 gearmand | cut -d' ' -f1-2)"
note "rounds: $ROUNDS; N=$N_TP (W1/W2/W7), $N_LAT (W3), ${W4_MS} ms task (W4), $N5A/$N5B (W5), $N6 (W6); load $LOAD_START"

rounds() { # rounds NAME DROVER_FN GEARMAND_FN: alternate, ROUNDS times
  local name=$1 d=$2 g=$3 r
  wanted "$name" || return 0
  for ((r = 1; r <= ROUNDS; ++r)); do
    over_budget "$name round $r" && return 0
    note "$name round $r: drover"
    "$d" "$r"
    [[ -n $g ]] || continue
    note "$name round $r: gearmand"
    "$g" "$r"
  done
}

rounds W1 w1_drover w12_gearmand
rounds W2 w2_drover "$(wanted W1 || echo w12_gearmand)" # the W1 gearmand runs are W2's peer
rounds W3 w3_drover w3_gearmand
rounds W4 w4_drover w4_gearmand
if wanted W5 && ! over_budget W5; then
  note "W5: drover, sqlite store"; w5_drover "sqlite:$TMP/w5.db" sqlite
  note "W5: drover, memory store"; w5_drover memory memory
  over_budget "W5 gearmand" || { note "W5: gearmand"; w5_gearmand; }
fi
if wanted W6 && ! over_budget W6; then
  note "W6: storing $N6 tasks (drover) and writing $N6 rows (gearmand)"
  if w6_prepare_drover && w6_prepare_gearmand; then
    rounds W6 w6_drover w6_gearmand
  else
    fail W6.drover "could not prepare the stores"
  fi
fi
rounds W7 w7_drover w7_gearmand
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ==================================================================================
# Table
# ==================================================================================
median() { # median KEY: numeric median of the recorded values (FAIL ignored)
  [[ -f $RES/$1 ]] || { echo "n/a"; return; }
  grep -v FAIL "$RES/$1" | sort -g | awk '{v[NR]=$1} END {
    if (NR == 0) print "fail"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'
}
runs() { [[ -f $RES/$1 ]] && paste -sd' ' "$RES/$1" || echo "-"; }
ratio() { # ratio A B: A/B with 2 digits, or n/a
  awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2fx", a/b; else print "n/a" }'
}
si() { # 1234567 -> 1.23 M
  awk -v v="$1" 'BEGIN { if (v+0 != v) print v; else if (v >= 1e6) printf "%.2f M", v/1e6;
    else if (v >= 1e3) printf "%.1f k", v/1e3; else printf "%g", v }'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) print a/b; else print "x" }'; }
target() { # target VALUE OP LIMIT: met / NOT met
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v+0 != v) { print "?"; exit }
    ok = (op == ">=") ? v >= l : (op == "<") ? v < l : v <= l; print ok ? "met" : "NOT met" }'
}

row() { # row W WHAT DROVER GEARMAND RATIO TARGET RUNS (skipped when drover did not run)
  [[ $3 == n/a ]] && return
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"
}

{
  echo
  echo "drover vs gearmand ($(date -u '+%Y-%m-%d %H:%M UTC'); $ROUNDS round(s); medians)"
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
       "$(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr);" \
       "load avg at start $LOAD_START, at end $LOAD_END"
  echo "drover: source $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+modified'), binary $BUILD/drover built $(date -u -r "$DROVER" '+%Y-%m-%d %H:%M UTC');" \
       "$(gearmand --version 2>&1 | grep -m1 gearmand | cut -d' ' -f1-2)"
  echo
  row W what drover gearmand drover/gearmand "target (drover)" "runs: drover / gearmand"
  row --- --- --- --- --- --- ---
  d=$(median W1.drover); g=$(median W12.gearmand)
  row W1 "noop tasks/s, N=$N_TP; drover 1 process, gearmand + 2 workers" "$(si "$d")" "$(si "$g")" "$(ratio "$d" "$g")" \
    ">= 10x: $(target "$(div "$d" "$g")" ">=" 10), >= 200 k/s: $(target "$d" ">=" 200000)" \
    "$(runs W1.drover) / $(runs W12.gearmand)"
  d=$(median W2.drover)
  row W2 "noop tasks/s, N=$N_TP; 4 processes (gearmand: the W1 runs)" "$(si "$d")" "$(si "$g")" "$(ratio "$d" "$g")" \
    ">= 5x: $(target "$(div "$d" "$g")" ">=" 5), >= 600 k/s: $(target "$d" ">=" 600000)" "$(runs W2.drover) / (W1)"
  d=$(median W2s.drover)
  row W2 "same, drover --store=sqlite (the default; fsync per commit)" "$(si "$d")" "$(si "$g")" "$(ratio "$d" "$g")" \
    ">= 300 k/s: $(target "$d" ">=" 300000)" "$(runs W2s.drover) / (W1)"
  d=$(median W2p0.drover)
  row W2 "same, memory store, no prefetch (--prefetch=0: a window of --capacity 64 tasks per consumer)" \
    "$(si "$d")" "$(si "$g")" "$(ratio "$d" "$g")" "-" "$(runs W2p0.drover) / (W1)"
  d=$(median W2p0s.drover)
  row W2 "same, sqlite, no prefetch" "$(si "$d")" "$(si "$g")" "$(ratio "$d" "$g")" \
    "-" "$(runs W2p0s.drover) / (W1)"
  for q in p50 p99; do
    g=$(median "W3.gearmand.$q")
    d=$(median "W3in.drover.$q")
    t="-"; [[ $q == p50 ]] && t="< 200 us: $(target "$d" "<" 200)"
    row W3 "latency $q µs, one at a time; drover in 1 process" "$d" "$g" "$(ratio "$d" "$g")" "$t" \
      "$(runs "W3in.drover.$q") / $(runs "W3.gearmand.$q")"
    d=$(median "W3x.drover.$q")
    t="-"; [[ $q == p50 ]] && t="< 1000 us: $(target "$d" "<" 1000)"
    row W3 "latency $q µs, one at a time; drover across processes" "$d" "$g" "$(ratio "$d" "$g")" "$t" \
      "$(runs "W3x.drover.$q")"
  done
  d=$(median W4.drover); g=$(median W4.gearmand)
  row W4 "failover s: SIGKILL holder of a $((W4_MS / 1000)) s task -> runs elsewhere" "$d" "$g" "$(ratio "$d" "$g")" \
    "<= 1.2 s: $(target "$d" "<=" 1.2)" "$(runs W4.drover) / $(runs W4.gearmand)"
  for s in a b; do
    n=$N5A; [[ $s == b ]] && n=$N5B
    g=$(median "W5$s.gearmand")
    for label in sqlite memory; do
      d=$(median "W5$s.$label")
      row W5 "bytes of RSS per queued task, $(si "$n") queued; drover --store=$label" "$d" "$g" "$(ratio "$d" "$g")" \
        "<= 300: $(target "$d" "<=" 300)" "$(runs "W5$s.$label") / $(runs "W5$s.gearmand")"
    done
  done
  d=$(median W6.drover); g=$(median W6.gearmand)
  row W6 "recovery s after SIGKILL, $(si "$N6") pending; start -> ready (drover's own figure: $(median W6.drover.own) s)" \
    "$d" "$g" "$(ratio "$d" "$g")" "< 3 s: $(target "$d" "<" 3)" "$(runs W6.drover) / $(runs W6.gearmand)"
  dm=$(median W7.drover.memory); gm=$(median W7.gearmand.memory)
  ds=$(median W7.drover.sqlite); gs=$(median W7.gearmand.sqlite)
  row W7 "tasks/s, memory store (gearmand: background jobs, builtin queue, N=$N_TP)" "$(si "$dm")" "$(si "$gm")" "$(ratio "$dm" "$gm")" "-" \
    "$(runs W7.drover.memory) / $(runs W7.gearmand.memory)"
  dp=$(median W7.drover.sqlite_process)
  row W7 "tasks/s, durable: drover sqlite, fsync per commit (--durability=disk, default); gearmand libsqlite3 queue, N=$N7_GD_DURABLE" "$(si "$ds")" "$(si "$gs")" "$(ratio "$ds" "$gs")" "-" \
    "$(runs W7.drover.sqlite) / $(runs W7.gearmand.sqlite)"
  row W7 "tasks/s, drover sqlite without fsync (--durability=process)" "$(si "$dp")" "-" "-" "-" \
    "$(runs W7.drover.sqlite_process) / -"
  pct() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN{if(a+0>0&&b+0>0) printf f " %%", 100*a/b; else print "n/a"}'; }
  row W7 "durable (disk) / memory" "$(pct "$ds" "$dm" %.0f)" "$(pct "$gs" "$gm" %.1f)" "-" "-" "-"
  row W7 "durable (process) / memory; disk / process" "$(pct "$dp" "$dm" %.0f); $(pct "$ds" "$dp" %.0f)" "-" "-" "-" "-"
  echo
  echo "Ratios are drover/gearmand: above 1x is better for tasks/s, below 1x is better for µs, s and bytes."
  if [[ -f $RES/W4.drover.pending ]]; then
    echo "W4 drover: the manager logged 'back to pending' $(median W4.drover.pending) s after the kill (median; the log is polled, +-10 ms);" \
         "tasks the surviving consumer c2 reported executing, per round: $(runs W4.drover.c2)."
  fi
  if [[ -f $RES/W4.gearmand.client ]]; then
    echo "W4 gearmand: the foreground client got: $(sort "$RES/W4.gearmand.client" | uniq -c | sed 's/^ *//' | paste -sd';' -)" \
         "(gearmand re-queues a dead worker's job at once; --job-retries default 0 = no limit)."
  fi
  if grep -qs FAIL "$RES"/*; then
    echo "Failed runs (FAIL above): $(grep -l FAIL "$RES"/* | xargs -n1 basename | paste -sd' ' -)"
  fi
} | tee "$TMP/table.md"

((KEEP)) && echo "(table also in $TMP/table.md)" >&3
grep -qs FAIL "$RES"/* && exit 1
exit 0
