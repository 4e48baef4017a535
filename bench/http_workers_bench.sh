#!/usr/bin/env bash
# Remote workers over HTTP, side by side with Celery in one run:
#   H1  dispatch latency: a task submitted while a worker's poll is parked
#       reaches it; p50/p99 from the start of POST /v1/jobs to the answer
#   H2  no-op tasks with 2 Python HTTP workers (examples/http_worker/worker.py,
#       poll max 64, batch completion) vs Celery prefork -c 2 with Redis
#       (the same function), tasks/s
# Usage: bench/http_workers_bench.sh [--build-dir=DIR] [--n=N] [--lat-n=N] [--store=S] [--keep]
# Installs python3-celery, python3-redis and redis-server from Debian when
# missing (the peer only). 127.0.0.1 and free ports; only processes started
# here are signalled; every wait is bounded.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$ROOT/build
N=40000
LATN=500
STORE=memory
KEEP=0
for arg in "$@"; do
  case $arg in
    --build-dir=*) BUILD=${arg#*=} ;;
    --n=*) N=${arg#*=} ;;
    --lat-n=*) LATN=${arg#*=} ;;
    --store=*) STORE=${arg#*=} ;;
    --keep) KEEP=1 ;;
    *) echo "http_workers_bench.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
source "$HERE/lib/scratch.sh"
bench_scratch http-workers-bench
source "$HERE/lib/celery_peer.sh"
need=($(celery_missing))
if ((${#need[@]})); then
  note "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[[ -x $BUILD/drover ]] || { echo "missing $BUILD/drover: build first" >&2; exit 2; }
cd "$TMP"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

"$BUILD/drover" run --role=registry,manager --store="$STORE" --listen=127.0.0.1:0 \
  --http=127.0.0.1:0 --threads=2 --ready-file=ready.json --log-level=error >drover.out 2>drover.err &
PIDS+=($!)
for _ in $(seq 200); do [[ -s ready.json ]] && break; sleep 0.05; done
HTTP=$(python3 -c "import json; print(json.load(open('ready.json'))['http'])")
URL=http://$HTTP

note "H1: $LATN tasks, each submitted while the worker's poll waits"
H1=$(timeout 300 python3 "$HERE/http_workers_bench.py" latency "$URL" "$LATN")

note "H2: $N no-op tasks, 2 Python HTTP workers"
for w in 1 2; do
  python3 "$ROOT/examples/http_worker/worker.py" --server="$URL" --worker="bench$w" \
    --max-batch=64 --concurrency=4 --wait-ms=5000 >"worker$w.out" 2>"worker$w.err" &
  PIDS+=($!)
done
for _ in $(seq 200); do
  n=$(python3 -c "import json,urllib.request; print(len(json.load(urllib.request.urlopen('$URL/v1/workers'))['workers']))" 2>/dev/null)
  [[ $n == 2 ]] && break
  sleep 0.05
done
H2=$(timeout 600 python3 "$HERE/http_workers_bench.py" throughput "$URL" "$N" | grep -o '[0-9]*$')

note "H2 peer: Celery prefork -c 2 + Redis, $((N / 4)) tasks"
celery_start
C2=$(celery_noop_rate $((N / 4)))

cat <<TXT
date: $(date -u '+%Y-%m-%d %H:%M UTC'), load before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, store $STORE
| workload | drover | peer | drover/peer |
|---|---|---|---|
| H1 dispatch to a parked poll, $LATN tasks (us) | $H1 | | |
| H2 no-op Python function, 2 HTTP workers, poll max 64 (tasks/s) | $H2 ($N tasks) | Celery prefork -c 2 + Redis $C2 ($((N / 4)) tasks) | $(python3 -c "print(f'{$H2/max($C2,1):.1f}x')") |
TXT
