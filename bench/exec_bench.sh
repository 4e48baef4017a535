#!/usr/bin/env bash
# Users' code through drover vs the usual tools, side by side in one run:
#   E1  exec of /bin/true, N tasks: drover (all roles in one process,
#       capacity 2) vs `xargs -P2 -n1 /bin/true` and GNU `parallel -j2`
#   E2  one exec task at a time: drover's latency (latency_bench --type=true)
#       minus a bare posix_spawn + waitpid (spawn_bench), p50
#   E3  a no-op Python function: drover with 2 Python worker processes vs
#       Celery prefork -c 2 with Redis (the same function), tasks/s
#   E4  a no-op Node.js function: drover with 2 Node worker processes
# Usage: bench/exec_bench.sh [--build-dir=DIR] [--n=N] [--py-n=N] [--keep]
# Installs parallel, python3-celery, python3-redis and redis-server from
# Debian when missing (the peers only; drover links none of them). Redis
# listens on 127.0.0.1 on a free port; only processes started here are
# signalled; every wait is bounded.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$ROOT/build
N=2000
PYN=20000
KEEP=0
for arg in "$@"; do
  case $arg in
    --build-dir=*) BUILD=${arg#*=} ;;
    --n=*) N=${arg#*=} ;;
    --py-n=*) PYN=${arg#*=} ;;
    --keep) KEEP=1 ;;
    *) echo "exec_bench.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
source "$HERE/lib/scratch.sh"
bench_scratch exec-bench
secs() { python3 -c "import time; print(time.monotonic())"; }

source "$HERE/lib/celery_peer.sh"
need=($(celery_missing))
command -v parallel >/dev/null || need+=(parallel)
if ((${#need[@]})); then
  note "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
for b in drover latency_bench spawn_bench; do
  [[ -x $BUILD/$b ]] || { echo "missing $BUILD/$b: build first" >&2; exit 2; }
done
cd "$TMP"
cat > handlers.yaml <<YAML
handlers:
  true: { exec: { argv: [/bin/true], stdin: none } }
  py: { worker: { argv: [/usr/bin/python3, $ROOT/examples/python/worker.py], processes: 2 } }
  js: { worker: { argv: [/usr/bin/node, $ROOT/examples/node/worker.js], processes: 2 } }
YAML

# drover_tput TYPE N CAPACITY: tasks/s of one `drover run` (all roles).
drover_tput() {
  "$BUILD/drover" run --store=memory --listen=127.0.0.1:0 --http=off --handlers=handlers.yaml \
    --capacity="$3" --tasks="$2" --type="$1" --threads=2 --log-level=error >out.txt 2>err.txt
  grep -o 'throughput: [0-9]*' out.txt | grep -o '[0-9]*$'
}
rate() { python3 -c "print(round($1 / ($3 - $2)))"; }

note "E1: $N x /bin/true"
D1=$(drover_tput true "$N" 2)
t0=$(secs); seq "$N" | xargs -P2 -n1 /bin/true; t1=$(secs); X1=$(rate "$N" "$t0" "$t1")
t0=$(secs); seq "$N" | parallel -j2 /bin/true {} >/dev/null; t1=$(secs); P1=$(rate "$N" "$t0" "$t1")

note "E2: one exec task at a time"
L_SPAWN=$("$BUILD/spawn_bench" --tasks=1000 | grep -o 'p50 [0-9]*' | grep -o '[0-9]*$')
L_DROVER=$("$BUILD/latency_bench" --in-process --tasks=1000 --type=true --handlers=handlers.yaml \
  | grep -o 'p50 [0-9]*' | grep -o '[0-9]*$')
L_NOOP=$("$BUILD/latency_bench" --in-process --tasks=1000 | grep -o 'p50 [0-9]*' | grep -o '[0-9]*$')

note "E3: $PYN no-op Python tasks, drover workers vs Celery"
D3=$(drover_tput py.noop "$PYN" 64)
celery_start
CN=$((PYN / 4))
C3=$(celery_noop_rate "$CN")
note "E4: $PYN no-op Node tasks"
D4=$(drover_tput js.noop "$PYN" 64)

cat <<TXT
date: $(date -u '+%Y-%m-%d %H:%M UTC'), load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores
| workload | drover | peer | drover/peer |
|---|---|---|---|
| E1 exec /bin/true, $N tasks, capacity 2 (tasks/s) | $D1 | xargs -P2 $X1, parallel -j2 $P1 | $(python3 -c "print(f'{$D1/$X1:.2f}x xargs, {$D1/$P1:.1f}x parallel')") |
| E2 one exec task, p50 (us) | $L_DROVER (noop through drover: $L_NOOP) | bare posix_spawn $L_SPAWN | added $((L_DROVER - L_SPAWN)) us |
| E3 no-op Python function, 2 processes (tasks/s) | $D3 ($PYN tasks) | Celery prefork -c 2 + Redis $C3 ($CN tasks) | $(python3 -c "print(f'{$D3/max($C3,1):.1f}x')") |
| E4 no-op Node.js function, 2 processes (tasks/s) | $D4 ($PYN tasks) | | |
TXT
