#!/usr/bin/env bash
# The REST server under hostile and heavy clients, new against old in one run:
#   H1  200 slowloris connections (10 client addresses, a header byte every
#       100 ms): /healthz p99 must stay under 100 ms
#   H2  1,000 connect-and-drop clients: no stall (every /healthz probe
#       answered, the slowest under 1 s, and answered at once after it)
#   H3  throughput with wrk: GET /healthz and POST /v1/jobs (one small task),
#       2 threads, 32 connections, 10 s each; HTTP and HTTPS
# "new" is the build in --build-dir; "old" is drover at --old=REV (default:
# the last commit with the cpp-httplib server), built in a git worktree under
# /tmp (skip with --skip-old). H1/H2 run bench/http_hostile_bench (its exit
# code says whether the bounds held); the old server is expected to miss them.
#
# Usage: bench/http_hostile.sh [--build-dir=DIR] [--old=REV] [--skip-old] [--seconds=S]
# Installs wrk from Debian when missing (sudo when not root). Everything on
# 127.0.0.1 and free ports; only processes started here are signalled.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build
OLD_REV=5f06d13
SKIP_OLD=0
SECONDS_H3=10
for a in "$@"; do
  case $a in
    --build-dir=*) BUILD=$(realpath "${a#*=}") ;;
    --old=*) OLD_REV=${a#*=} ;;
    --skip-old) SKIP_OLD=1 ;;
    --seconds=*) SECONDS_H3=${a#*=} ;;
    *) echo "unknown flag $a (see the header of $0)" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || {
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get install -y -qq wrk >/dev/null || { echo "cannot install wrk" >&2; exit 2; }
}
cmake --build "$BUILD" --target drover http_hostile_bench -j2 >/dev/null || exit 2

SCRATCH=$(mktemp -d /tmp/drover-http-bench-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${OLD_TREE:-}" ] && git -C "$ROOT" worktree remove --force "$OLD_TREE" >/dev/null 2>&1
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# start_node NAME BINARY [FLAGS...]: runs registry+manager on a free port,
# sets PORT once the REST port accepts connections (the old build has no
# --ready-file, so both are judged the same way)
start_node() {
  local name=$1 bin=$2; shift 2
  mkdir -p "$SCRATCH/$name"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (cd "$SCRATCH/$name" && exec "$bin" run --role=registry,manager --store=memory \
     --listen=127.0.0.1:0 --http=127.0.0.1:$PORT "$@" >out.log 2>err.log) &
  PIDS+=($!)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start:"; cat "$SCRATCH/$name/err.log"; exit 1
}
stop_last() { kill "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null; unset 'PIDS[-1]'; }

cat >"$SCRATCH/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"name": "bench", "tasks": [{"type": "noop"}]}'
wrk.headers["Content-Type"] = "application/json"
EOF
# throughput LABEL URL [wrk flags]: one line of requests/s and latency
throughput() {
  local label=$1 url=$2; shift 2
  local out; out=$(wrk -t2 -c32 -d"${SECONDS_H3}s" --latency "$@" "$url" 2>&1)
  printf '%-28s %10s req/s  p50 %8s  p99 %8s  errors: %s\n' "$label" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" \
    "$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+|Socket errors: .*' <<<"$out" | tr '\n' ' ')"
}

echo "== $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), new = $(git rev-parse --short HEAD)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$SCRATCH/key.pem" -out "$SCRATCH/cert.pem" 2>/dev/null

RC=0
start_node new "$BUILD/drover"
echo "-- H1/H2 new (port $PORT)"
"$BUILD/http_hostile_bench" "$PORT" --label=new || RC=1
echo "-- H3 new"
throughput "new GET /healthz http" "http://127.0.0.1:$PORT/healthz"
throughput "new POST /v1/jobs http" "http://127.0.0.1:$PORT/v1/jobs" -s "$SCRATCH/post.lua"
stop_last
start_node new-tls "$BUILD/drover" --http-tls-cert="$SCRATCH/cert.pem" --http-tls-key="$SCRATCH/key.pem"
throughput "new GET /healthz https" "https://127.0.0.1:$PORT/healthz"
throughput "new POST /v1/jobs https" "https://127.0.0.1:$PORT/v1/jobs" -s "$SCRATCH/post.lua"
stop_last

if [ "$SKIP_OLD" -eq 0 ]; then
  OLD_TREE=$(mktemp -d /tmp/drover-old-XXXXXX); rmdir "$OLD_TREE"
  git -C "$ROOT" worktree add --detach "$OLD_TREE" "$OLD_REV" >/dev/null 2>&1 || { echo "no worktree at $OLD_REV"; exit 2; }
  echo "-- building old ($OLD_REV) in $OLD_TREE/build (a few minutes)"
  (cmake -S "$OLD_TREE" -B "$OLD_TREE/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null 2>&1 \
     && cmake --build "$OLD_TREE/build" --target drover -j2 >/dev/null 2>&1) || { echo "old build failed"; exit 2; }
  start_node old "$OLD_TREE/build/drover"
  echo "-- H1/H2 old (port $PORT): expected to miss the bounds"
  "$BUILD/http_hostile_bench" "$PORT" --label=old
  echo "-- H3 old"
  throughput "old GET /healthz http" "http://127.0.0.1:$PORT/healthz"
  throughput "old POST /v1/jobs http" "http://127.0.0.1:$PORT/v1/jobs" -s "$SCRATCH/post.lua"
  stop_last
fi
exit $RC
