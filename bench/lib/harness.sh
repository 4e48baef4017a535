# Sourced by bench/run.sh: scratch dir, process bookkeeping, packages,
# binaries, and starting/stopping drover and gearmand. Uses run.sh's globals.

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

source "$(dirname "${BASH_SOURCE[0]}")/ready.sh" # wait_ready, ready_get

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
# MGR_PID and MGR_EP (HOST:PORT, from its ready file), log in $TMP/TAG.mgr.err.
start_manager() {
  local tag=$1 store=$2
  shift 2
  spawn "$TMP/$tag.mgr.out" "$TMP/$tag.mgr.err" "$DROVER" run --http=off --role=registry,manager \
    --listen=127.0.0.1:0 --store="$store" --ready-file="$TMP/$tag.mgr.ready" "$@"
  MGR_PID=$SPAWNED
  MGR_EP=""
  wait_ready "$TMP/$tag.mgr.ready" 120 "$MGR_PID" || return 1
  MGR_EP=$(ready_get "$TMP/$tag.mgr.ready" registry)
  [[ -n $MGR_EP ]]
}

# start_consumer TAG NODE [FLAGS...]: a consumer process joined to MGR_EP
# (its ready file appears once it registered); sets CONS_PID.
start_consumer() {
  spawn "$TMP/$1.$2.out" "$TMP/$1.$2.err" "$DROVER" run --role=consumer \
    --registry="$MGR_EP" --node="$2" --ready-file="$TMP/$1.$2.ready" "${@:3}"
  CONS_PID=$SPAWNED
  wait_ready "$TMP/$1.$2.ready" 15 "$CONS_PID"
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

