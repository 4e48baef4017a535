#!/usr/bin/env bash
# drover vs gearmand, same machine, same run (issue 8). Performance is a ratio
# against the peer, never an absolute pass/fail: every workload runs on drover
# and on gearmand one after the other, ROUNDS rounds alternating, and the
# table shows medians and drover/gearmand.
#
#   W1  noop throughput: drover all roles in one process (memory store) vs
#       gearmand + 2 workers + 1 client (submit N foreground jobs, wait all)
#   W2  noop throughput: drover registry+manager, 2 consumers, producer as 4
#       processes (memory store) vs the W1 gearmand runs (always 4 processes)
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
#   W7  durable vs memory store: drover sqlite vs memory (one process, N
#       noop); gearmand background jobs, libsqlite3 vs builtin queue
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
# queued (W5), 1M / 100k pending (W6). Env N_TP_OVERRIDE=N changes N.
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

# -- scratch dir, our processes, cleanup ------------------------------------------
TMP=$(mktemp -d /tmp/drover-bench-XXXXXX)
RES=$TMP/results
mkdir -p "$RES" "$TMP/bin"
PIDS=()
# Our messages go to fd 3 (the real stderr). bash's own stderr goes to a log:
# it reports every background process we SIGKILL ("... Killed"), on purpose.
exec 3>&2 2>>"$TMP/shell.log"

# ours PID: PID is one of our background jobs that is still running (so a
# recycled PID of someone else is never signalled).
ours() { [[ -n $1 ]] && jobs -p -r | grep -qx -- "$1"; }

cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    if ours "$p"; then
      kill -KILL "$p" 2>/dev/null
      { wait "$p"; } 2>/dev/null
    fi
  done
  grep -v -E '^[^:]*: line [0-9]+: +[0-9]+ (Killed|Terminated) ' "$TMP/shell.log" >&3 2>/dev/null
  if ((KEEP)); then echo "scratch directory kept: $TMP" >&3; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

note() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&3; }
now_us() { echo $(($(date +%s%N) / 1000)); }

# spawn OUT ERR CMD...: starts CMD in the background (cwd: scratch dir);
# its PID goes to PIDS and to $SPAWNED.
spawn() {
  local out=$1 err=$2
  shift 2
  "$@" >"$out" 2>"$err" &
  SPAWNED=$!
  PIDS+=("$SPAWNED")
}

# stop PID [SIGNAL] [SECONDS]: signals one of our processes, waits for it
# (bounded), then SIGKILLs it if it is still there.
stop() {
  local pid=$1 sig=${2:-TERM} deadline=$((SECONDS + ${3:-10}))
  ours "$pid" || return 0
  kill "-$sig" "$pid" 2>/dev/null
  while ours "$pid" && ((SECONDS < deadline)); do sleep 0.02; done
  ours "$pid" && kill -KILL "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null
  return 0
}

# wait_text FILE TEXT SECONDS [PID]: polls (10 ms) until FILE contains TEXT;
# fails at the limit or as soon as PID is gone without having written it.
wait_text() {
  local file=$1 text=$2 deadline=$((SECONDS + $3)) pid=${4:-}
  while ((SECONDS < deadline)); do
    grep -q -- "$text" "$file" 2>/dev/null && return 0
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      grep -q -- "$text" "$file" 2>/dev/null
      return
    fi
    sleep 0.01
  done
  return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
      2>/dev/null && return
  fi
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    [[ -z $(ss -Htln "sport = :$p" 2>/dev/null) ]] && { echo "$p"; return; }
  done
  echo 0
}

record() { echo "$2" >>"$RES/$1"; }          # record KEY VALUE
fail() { record "$1" "FAIL"; note "$1: $2"; } # a run that did not produce a figure

over_budget() {
  if ((SECONDS > BUDGET)); then
    note "time budget of $BUDGET s used up: skipping $1"
    return 0
  fi
  return 1
}

wanted() { [[ -z $ONLY || ",$ONLY," == *",$1,"* ]]; }

# -- packages, binaries -----------------------------------------------------------
ensure_packages() {
  local missing=() p
  for p in gearman-job-server libgearman-dev g++ sqlite3; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=""
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "run.sh: need root or sudo to install ${missing[*]}" >&3; exit 2; }
    sudo="sudo"
  fi
  note "installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >"$TMP/apt.log" 2>&1 || {
    $sudo apt-get update >>"$TMP/apt.log" 2>&1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >>"$TMP/apt.log" 2>&1
  } || { echo "run.sh: apt-get install ${missing[*]} failed:" >&3; tail -5 "$TMP/apt.log" >&3; exit 2; }
}

ensure_binaries() {
  if ((REBUILD)) || [[ ! -x $BUILD/drover || ! -x $BUILD/latency_bench ]]; then
    note "building drover and latency_bench in $BUILD"
    local type=()
    [[ -f $BUILD/CMakeCache.txt ]] || type=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
    { cmake -S "$ROOT" -B "$BUILD" "${type[@]}" &&
        timeout 1800 cmake --build "$BUILD" --target drover latency_bench -j2; } \
      >"$TMP/build.log" 2>&1 || {
      echo "run.sh: build failed:" >&3; grep -E 'error|Error' "$TMP/build.log" | head -20 >&3; exit 2; }
  fi
  local p
  for p in gm_worker gm_client; do
    g++ -std=c++17 -O2 -o "$TMP/bin/$p" "$HERE/gearman/$p.cpp" -lgearman 2>"$TMP/$p.build.log" || {
      echo "run.sh: compiling bench/gearman/$p.cpp failed:" >&3; head -20 "$TMP/$p.build.log" >&3; exit 2; }
  done
}

ensure_packages
ensure_binaries
DROVER=$BUILD/drover
LATENCY=$BUILD/latency_bench
GMW=$TMP/bin/gm_worker
GMC=$TMP/bin/gm_client
cd "$TMP" # drover's defaults (drover.db, config/rules.yaml) must not touch the repo

# -- drover helpers ------------------------------------------------------------------
# start_manager TAG STORE [FLAGS...]: registry+manager on a free port; sets
# MGR_PID and MGR_EP (HOST:PORT), log in $TMP/TAG.mgr.err.
start_manager() {
  local tag=$1 store=$2
  shift 2
  spawn "$TMP/$tag.mgr.out" "$TMP/$tag.mgr.err" "$DROVER" run --http=off --role=registry,manager \
    --listen=127.0.0.1:0 --store="$store" "$@"
  MGR_PID=$SPAWNED
  MGR_EP=""
  wait_text "$TMP/$tag.mgr.err" "ready after recovery in" 120 "$MGR_PID" || return 1
  MGR_EP=$(grep -m1 -o 'registry listening on [0-9.]*:[0-9]*' "$TMP/$tag.mgr.err" | awk '{print $4}')
  [[ -n $MGR_EP ]]
}

# start_consumer TAG NODE: a consumer process joined to MGR_EP; sets CONS_PID.
start_consumer() {
  spawn "$TMP/$1.$2.out" "$TMP/$1.$2.err" "$DROVER" run --role=consumer \
    --registry="$MGR_EP" --node="$2"
  CONS_PID=$SPAWNED
  wait_text "$TMP/$1.mgr.err" "consumer $2 joined" 15 "$CONS_PID"
}

throughput_of() { grep -m1 -o '^throughput: [0-9]*' "$1" 2>/dev/null | awk '{print $2}'; }

# -- gearmand helpers ----------------------------------------------------------------
# start_gearmand TAG [FLAGS...]: gearmand on a free port (3 tries); sets
# GD_PID and GD_PORT once it answers the admin "status" command.
start_gearmand() {
  local tag=$1 try
  shift
  for try in 1 2 3; do
    GD_PORT=$(free_port)
    spawn "$TMP/$tag.gd.out" "$TMP/$tag.gd.err" gearmand -L 127.0.0.1 -p "$GD_PORT" \
      -l "$TMP/$tag.gd.log" -P "$TMP/$tag.gd.pid" "$@"
    GD_PID=$SPAWNED
    "$GMC" wait "$GD_PORT" noop running 0 60 "$GD_PID" >/dev/null 2>&1 && return 0
    stop "$GD_PID" KILL
  done
  return 1
}

# start_workers TAG N: N gm_worker processes; sets WORKER_PIDS.
start_workers() {
  local tag=$1 n=$2 i
  WORKER_PIDS=()
  for ((i = 1; i <= n; ++i)); do
    spawn "$TMP/$tag.w$i.out" "$TMP/$tag.w$i.err" "$GMW" "$GD_PORT" "w$i"
    WORKER_PIDS+=("$SPAWNED")
    wait_text "$TMP/$tag.w$i.out" "ready" 10 "$SPAWNED" || return 1
  done
  "$GMC" wait "$GD_PORT" noop workers "$n" 10 "$GD_PID" >/dev/null
}

stop_gearman() { # workers first, then the server
  local p
  for p in "${WORKER_PIDS[@]}"; do stop "$p" TERM 5; done
  WORKER_PIDS=()
  stop "$GD_PID" TERM 10
}
WORKER_PIDS=()

# ==================================================================================
# Workloads. Each round of each workload runs drover, then gearmand.
# ==================================================================================

w1_drover() { # all roles in one process
  local r=$1 out=$TMP/w1.$r.out
  timeout -k 5 120 "$DROVER" run --http=off --listen=127.0.0.1:0 --store=memory --tasks="$N_TP" \
    --type=noop >"$out" 2>"$TMP/w1.$r.err"
  local t
  t=$(throughput_of "$out")
  [[ -n $t ]] && record W1.drover "$t" || fail W1.drover "no throughput line (see $TMP/w1.$r.err)"
}

w12_gearmand() { # server + 2 workers + 1 client: the peer of W1 and W2
  local r=$1 tag=w12g.$r
  start_gearmand "$tag" && start_workers "$tag" 2 || { fail W12.gearmand "gearmand/workers did not start"; stop_gearman; return; }
  timeout -k 5 180 "$GMC" fg "$GD_PORT" "$N_TP" >"$TMP/$tag.client" 2>&1
  local t
  t=$(throughput_of "$TMP/$tag.client")
  [[ -n $t ]] && record W12.gearmand "$t" || fail W12.gearmand "$(tail -1 "$TMP/$tag.client")"
  stop_gearman
}

w2_drover() { # registry+manager, 2 consumers, producer: 4 processes
  local r=$1 tag=w2.$r c1 c2
  if start_manager "$tag" memory && start_consumer "$tag" c1 && c1=$CONS_PID &&
     start_consumer "$tag" c2 && c2=$CONS_PID; then
    timeout -k 5 120 "$DROVER" run --role=producer --registry="$MGR_EP" --tasks="$N_TP" \
      --type=noop >"$TMP/$tag.prod.out" 2>"$TMP/$tag.prod.err"
    local t
    t=$(throughput_of "$TMP/$tag.prod.out")
    [[ -n $t ]] && record W2.drover "$t" || fail W2.drover "no throughput line (see $TMP/$tag.prod.err)"
  else
    fail W2.drover "cluster did not start (see $TMP/$tag.*.err)"
  fi
  stop "${c1:-}"; stop "${c2:-}"; stop "$MGR_PID"
}

# "latency: p50 X us p99 Y us" -> records KEY.p50 and KEY.p99
record_latency() {
  local key=$1 file=$2 line
  line=$(grep -m1 '^latency:' "$file" 2>/dev/null)
  if [[ -z $line ]]; then
    fail "$key.p50" "no latency line ($(tail -1 "$file" 2>/dev/null))"
    record "$key.p99" FAIL
    return
  fi
  record "$key.p50" "$(awk '{print $3}' <<<"$line")"
  record "$key.p99" "$(awk '{print $6}' <<<"$line")"
}

w3_drover() {
  local r=$1 tag=w3.$r c1 c2
  timeout -k 5 120 "$LATENCY" --in-process --tasks="$N_LAT" >"$TMP/$tag.inproc" 2>&1
  record_latency W3in.drover "$TMP/$tag.inproc"
  if start_manager "$tag" memory && start_consumer "$tag" c1 && c1=$CONS_PID &&
     start_consumer "$tag" c2 && c2=$CONS_PID; then
    timeout -k 5 120 "$LATENCY" --registry="$MGR_EP" --tasks="$N_LAT" >"$TMP/$tag.across" 2>&1
    record_latency W3x.drover "$TMP/$tag.across"
  else
    fail W3x.drover.p50 "cluster did not start"; record W3x.drover.p99 FAIL
  fi
  stop "${c1:-}"; stop "${c2:-}"; stop "$MGR_PID"
}

w3_gearmand() {
  local r=$1 tag=w3g.$r
  if start_gearmand "$tag" && start_workers "$tag" 2; then
    timeout -k 5 120 "$GMC" lat "$GD_PORT" "$N_LAT" >"$TMP/$tag.client" 2>&1
    record_latency W3.gearmand "$TMP/$tag.client"
  else
    fail W3.gearmand.p50 "gearmand/workers did not start"; record W3.gearmand.p99 FAIL
  fi
  stop_gearman
}

# W4 drover: c1 alone takes the task; c2 joins; c1 is SIGKILLed. The task
# restarts on c2 after the grace; the job ends W4_MS after that restart, so
#   failover = (job end seen by the producer) - (kill) - W4_MS   (+-10 ms polling).
w4_drover() {
  local r=$1 tag=w4.$r c1 c2 prod
  if ! { start_manager "$tag" memory && start_consumer "$tag" c1 && c1=$CONS_PID; }; then
    fail W4.drover "cluster did not start"; stop "${c1:-}"; stop "$MGR_PID"; return
  fi
  spawn "$TMP/$tag.prod.out" "$TMP/$tag.prod.err" "$DROVER" run --role=producer \
    --registry="$MGR_EP" --tasks=1 --type=sleep --payload="$W4_MS"
  prod=$SPAWNED
  # The progress line (once a second) confirms the only consumer holds it.
  if wait_text "$TMP/$tag.prod.out" " 1 running" 10 "$prod" &&
     start_consumer "$tag" c2 && c2=$CONS_PID; then
    local t_kill t_pending=0 t_done=0
    ours "$c1" || { fail W4.drover "c1 died before the kill"; stop "$prod"; stop "$c2"; stop "$MGR_PID"; return; }
    t_kill=$(now_us)
    kill -KILL "$c1"
    local deadline=$((SECONDS + W4_MS / 1000 + 20))
    while ((SECONDS < deadline)); do
      ((t_pending == 0)) && grep -q "back to pending" "$TMP/$tag.mgr.err" && t_pending=$(now_us)
      grep -q '^throughput:' "$TMP/$tag.prod.out" && { t_done=$(now_us); break; }
      kill -0 "$prod" 2>/dev/null || break
      sleep 0.01
    done
    if ((t_done > 0)) && grep -q "1/1 done, 1 succeeded" "$TMP/$tag.prod.out"; then
      record W4.drover "$(awk -v d=$((t_done - t_kill - W4_MS * 1000)) 'BEGIN{printf "%.3f", d/1e6}')"
      ((t_pending > 0)) && record W4.drover.pending \
        "$(awk -v d=$((t_pending - t_kill)) 'BEGIN{printf "%.3f", d/1e6}')"
    else
      fail W4.drover "the task did not finish on c2 within $((W4_MS / 1000 + 20)) s"
    fi
  else
    fail W4.drover "the task was not running on c1, or c2 did not join"
  fi
  stop "$prod"; stop "${c2:-}"
  record W4.drover.c2 "$(grep -h -o 'consumer c2: executed [0-9]* tasks' "$TMP/$tag.c2.err" | awk '{print $4}')"
  stop "${c1:-}"; stop "$MGR_PID"
}

# W4 gearmand: worker w1 alone takes a foreground job; w2 joins; w1 is
# SIGKILLed; failover = w2's "start sleep" timestamp - kill.
w4_gearmand() {
  local r=$1 tag=w4g.$r client
  if ! { start_gearmand "$tag" && start_workers "$tag" 1; }; then
    fail W4.gearmand "gearmand/worker did not start"; stop_gearman; return
  fi
  spawn "$TMP/$tag.client" "$TMP/$tag.client.err" "$GMC" one "$GD_PORT" sleep "$W4_MS"
  client=$SPAWNED
  if wait_text "$TMP/$tag.w1.out" "start sleep" 10 "$client"; then
    spawn "$TMP/$tag.w2.out" "$TMP/$tag.w2.err" "$GMW" "$GD_PORT" w2
    WORKER_PIDS+=("$SPAWNED")
    if wait_text "$TMP/$tag.w2.out" "ready" 10 "$SPAWNED" &&
       "$GMC" wait "$GD_PORT" sleep workers 2 10 "$GD_PID" >/dev/null; then
      local t_kill t_start
      ours "${WORKER_PIDS[0]}" || { fail W4.gearmand "w1 died before the kill"; stop "$client"; stop_gearman; return; }
      t_kill=$(now_us)
      kill -KILL "${WORKER_PIDS[0]}"
      if wait_text "$TMP/$tag.w2.out" "start sleep" 20 "$client"; then
        t_start=$(awk '/start sleep/ {print $3; exit}' "$TMP/$tag.w2.out")
        record W4.gearmand "$(awk -v d=$((t_start - t_kill)) 'BEGIN{printf "%.3f", d/1e6}')"
      else
        fail W4.gearmand "the job did not start on w2 within 20 s"
      fi
      wait_text "$TMP/$tag.client" "^done" $((W4_MS / 1000 + 20)) "$client"
      echo "$(awk '/^done/ {print $2}' "$TMP/$tag.client")" >>"$RES/W4.gearmand.client"
    else
      fail W4.gearmand "w2 did not register"
    fi
  else
    fail W4.gearmand "w1 did not start the job"
  fi
  stop "$client"
  stop_gearman
}

# W5: RSS of the manager process (registry+manager) before any task, with
# N5A queued and with N5B queued (a second job of N5B-N5A); no consumer.
w5_drover() {
  local store=$1 label=$2 tag=w5.$2 base r1 r2 p1 p2
  [[ $store == sqlite:* ]] && rm -f "${store#sqlite:}"*
  start_manager "$tag" "$store" || { fail "W5a.$label" "manager did not start"; stop "$MGR_PID"; return; }
  base=$(rss_kb "$MGR_PID")
  spawn "$TMP/$tag.p1.out" "$TMP/$tag.p1.err" "$DROVER" run --role=producer --registry="$MGR_EP" \
    --tasks="$N5A" --type=noop
  p1=$SPAWNED
  if wait_text "$TMP/$tag.p1.out" "tasks stored" 120 "$p1"; then
    sleep 0.3
    r1=$(rss_kb "$MGR_PID")
    record "W5a.$label" $(((r1 - base) * 1024 / N5A))
    spawn "$TMP/$tag.p2.out" "$TMP/$tag.p2.err" "$DROVER" run --role=producer \
      --registry="$MGR_EP" --tasks=$((N5B - N5A)) --type=noop
    p2=$SPAWNED
    if wait_text "$TMP/$tag.p2.out" "tasks stored" 240 "$p2"; then
      sleep 0.3
      r2=$(rss_kb "$MGR_PID")
      record "W5b.$label" $(((r2 - base) * 1024 / N5B))
      note "W5 drover $label: RSS ${base} kB -> ${r1} kB ($N5A) -> ${r2} kB ($N5B)"
    else
      fail "W5b.$label" "$((N5B - N5A)) more tasks were not stored within 240 s"
    fi
  else
    fail "W5a.$label" "$N5A tasks were not stored within 120 s"
  fi
  stop "${p1:-}"; stop "${p2:-}"; stop "$MGR_PID" TERM 30
  [[ $store == sqlite:* ]] && rm -f "${store#sqlite:}"*
}

w5_gearmand() {
  local tag=w5g base r1 r2
  # --hashtable-buckets ~ queued jobs: with the default 991, submitting slows
  # down as the queue grows (25 k/s at 0, 8 k/s at 300 k queued jobs).
  start_gearmand "$tag" --hashtable-buckets=$((N5B + 1)) || { fail W5a.gearmand "gearmand did not start"; stop_gearman; return; }
  base=$(rss_kb "$GD_PID")
  if timeout -k 5 300 "$GMC" bg "$GD_PORT" "$N5A" >"$TMP/$tag.c1" 2>&1 &&
     "$GMC" wait "$GD_PORT" noop total "$N5A" 30 "$GD_PID" >/dev/null; then
    r1=$(rss_kb "$GD_PID")
    record W5a.gearmand $(((r1 - base) * 1024 / N5A))
    if timeout -k 5 400 "$GMC" bg "$GD_PORT" $((N5B - N5A)) >"$TMP/$tag.c2" 2>&1 &&
       "$GMC" wait "$GD_PORT" noop total "$N5B" 30 "$GD_PID" >/dev/null; then
      r2=$(rss_kb "$GD_PID")
      record W5b.gearmand $(((r2 - base) * 1024 / N5B))
      note "W5 gearmand: RSS ${base} kB -> ${r1} kB ($N5A) -> ${r2} kB ($N5B); $(cat "$TMP/$tag.c2")"
    else
      fail W5b.gearmand "$(tail -1 "$TMP/$tag.c2")"
    fi
  else
    fail W5a.gearmand "$(tail -1 "$TMP/$tag.c1")"
  fi
  stop_gearman
}

# W6 drover: registry+manager+producer store N6 pending tasks in sqlite and
# are SIGKILLed; then each round starts a manager on that file, times it
# to "ready after recovery in" and SIGKILLs it again.
w6_prepare_drover() {
  local tag=w6.fill pid
  spawn "$TMP/$tag.out" "$TMP/$tag.err" "$DROVER" run --http=off --role=registry,manager,producer \
    --listen=127.0.0.1:0 --store="sqlite:$TMP/w6.db" --tasks="$N6" --type=noop
  pid=$SPAWNED
  wait_text "$TMP/$tag.out" "tasks stored" 180 "$pid" || { stop "$pid" KILL; return 1; }
  stop "$pid" KILL # the crash
}

w6_drover() {
  local r=$1 tag=w6.$r t0 t1 pid
  t0=$(now_us)
  spawn "$TMP/$tag.out" "$TMP/$tag.err" "$DROVER" run --http=off --role=registry,manager \
    --listen=127.0.0.1:0 --store="sqlite:$TMP/w6.db"
  pid=$SPAWNED
  if wait_text "$TMP/$tag.err" "ready after recovery in" 120 "$pid"; then
    t1=$(now_us)
    if grep -q "unfinished tasks" "$TMP/$tag.err" &&
       [[ $(grep -m1 -o '[0-9]* unfinished tasks' "$TMP/$tag.err" | awk '{print $1}') == "$N6" ]]; then
      record W6.drover "$(awk -v d=$((t1 - t0)) 'BEGIN{printf "%.3f", d/1e6}')"
      record W6.drover.own "$(grep -m1 -o 'ready after recovery in [0-9.]*' "$TMP/$tag.err" | awk '{print $5}')"
    else
      fail W6.drover "recovered $(grep -m1 -o '[0-9]* unfinished tasks' "$TMP/$tag.err"), expected $N6"
    fi
  else
    fail W6.drover "no 'ready after recovery' within 120 s"
  fi
  stop "$pid" KILL
}

# W6 gearmand: its libsqlite3 queue writes ~140 jobs/s (a synced transaction
# per job), so the N6 rows are written with the sqlite3 CLI in gearmand's own
# schema (what a gearmand killed with N6 queued background jobs leaves).
w6_prepare_gearmand() {
  sqlite3 "$TMP/w6g.db" "CREATE TABLE gearman_queue ( unique_key TEXT, function_name TEXT,
      priority INTEGER, data BLOB, when_to_run INTEGER, PRIMARY KEY (unique_key, function_name));
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $N6)
    INSERT INTO gearman_queue SELECT 'w6-' || x, 'noop', 1, X'78', 0 FROM c;" \
    >"$TMP/w6g.fill" 2>&1
}

w6_gearmand() {
  local r=$1 tag=w6g.$r t0 t1
  GD_PORT=$(free_port)
  t0=$(now_us)
  spawn "$TMP/$tag.gd.out" "$TMP/$tag.gd.err" gearmand -L 127.0.0.1 -p "$GD_PORT" \
    -l "$TMP/$tag.gd.log" -P "$TMP/$tag.gd.pid" -q libsqlite3 --libsqlite3-db="$TMP/w6g.db" \
    --hashtable-buckets=$((N6 + 1))
  GD_PID=$SPAWNED
  if "$GMC" wait "$GD_PORT" noop total "$N6" 120 "$GD_PID" >/dev/null 2>"$TMP/$tag.wait"; then
    t1=$(now_us)
    record W6.gearmand "$(awk -v d=$((t1 - t0)) 'BEGIN{printf "%.3f", d/1e6}')"
  else
    fail W6.gearmand "$(tail -1 "$TMP/$tag.wait"); log: $(tail -1 "$TMP/$tag.gd.log" 2>/dev/null)"
  fi
  stop "$GD_PID" KILL
}

w7_drover() {
  local r=$1 store label t
  for label in memory sqlite; do
    store=memory
    [[ $label == sqlite ]] && { store=sqlite:$TMP/w7.$r.db; rm -f "$TMP/w7.$r.db"*; }
    timeout -k 5 180 "$DROVER" run --http=off --listen=127.0.0.1:0 --store="$store" --tasks="$N_TP" \
      --type=noop >"$TMP/w7.$r.$label.out" 2>"$TMP/w7.$r.$label.err"
    t=$(throughput_of "$TMP/w7.$r.$label.out")
    [[ -n $t ]] && record "W7.drover.$label" "$t" || fail "W7.drover.$label" "no throughput line"
    rm -f "$TMP/w7.$r.db"*
  done
}

w7_gearmand() { # background jobs + 2 workers, until the queue is empty
  local r=$1 label n t tag
  for label in memory sqlite; do
    tag=w7g.$r.$label
    local extra=()
    n=$N_TP
    if [[ $label == sqlite ]]; then
      extra=(-q libsqlite3 --libsqlite3-db="$TMP/$tag.db")
      n=$N7_GD_DURABLE
    fi
    if start_gearmand "$tag" --hashtable-buckets=$((n + 1)) "${extra[@]}" && start_workers "$tag" 2; then
      timeout -k 5 240 "$GMC" bg "$GD_PORT" "$n" --wait >"$TMP/$tag.client" 2>&1
      t=$(throughput_of "$TMP/$tag.client")
      [[ -n $t ]] && record "W7.gearmand.$label" "$t" || fail "W7.gearmand.$label" "$(tail -1 "$TMP/$tag.client")"
    else
      fail "W7.gearmand.$label" "gearmand/workers did not start"
    fi
    stop_gearman
  done
}

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
    ">= 5x: $(target "$(div "$d" "$g")" ">=" 5)" "$(runs W2.drover) / (W1)"
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
  row W7 "tasks/s, durable (drover sqlite; gearmand libsqlite3 queue, N=$N7_GD_DURABLE)" "$(si "$ds")" "$(si "$gs")" "$(ratio "$ds" "$gs")" "-" \
    "$(runs W7.drover.sqlite) / $(runs W7.gearmand.sqlite)"
  row W7 "durable / memory" "$(awk -v a="$ds" -v b="$dm" 'BEGIN{if(a+0>0&&b+0>0) printf "%.0f %%", 100*a/b; else print "n/a"}')" \
    "$(awk -v a="$gs" -v b="$gm" 'BEGIN{if(a+0>0&&b+0>0) printf "%.1f %%", 100*a/b; else print "n/a"}')" "-" "-" "-"
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
