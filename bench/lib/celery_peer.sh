# Sourced by bench/exec_bench.sh and bench/http_workers_bench.sh: Celery
# prefork -c 2 with a private Redis, the peer for no-op Python tasks. Uses
# the caller's TMP (scratch dir, the current directory) and PIDS (killed at
# exit); Redis listens on 127.0.0.1 on a free port.

# The Debian packages of the peer that are missing, space-separated.
celery_missing() {
  local need=()
  /usr/bin/python3 -c "import celery, redis" 2>/dev/null || need+=(python3-celery python3-redis)
  command -v redis-server >/dev/null || need+=(redis-server)
  echo "${need[@]}"
}

# Starts Redis and `celery worker -c 2 --pool=prefork` with a no-op task.
celery_start() {
  CELERY_PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  redis-server --port "$CELERY_PORT" --bind 127.0.0.1 --save '' --appendonly no >redis.log 2>&1 &
  PIDS+=($!)
  cat > celery_app.py <<PY
from celery import Celery
app = Celery("bench", broker="redis://127.0.0.1:$CELERY_PORT/0", backend="redis://127.0.0.1:$CELERY_PORT/1")
@app.task
def noop(payload):
    return ""
PY
  for _ in $(seq 50); do redis-cli -p "$CELERY_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  /usr/bin/python3 -m celery -A celery_app worker -c 2 --pool=prefork --loglevel=WARNING >celery.log 2>&1 &
  PIDS+=($!)
}

# celery_noop_rate N: tasks/s of N no-op tasks sent at once and awaited.
celery_noop_rate() {
  timeout 600 /usr/bin/python3 - "$1" <<'PY'
import sys, time
sys.path.insert(0, ".")
from celery_app import noop
n = int(sys.argv[1])
noop.delay("").get(timeout=60)            # the workers are up
t0 = time.monotonic()
rs = [noop.delay("") for _ in range(n)]
for r in rs:
    r.get(timeout=600)
print(round(n / (time.monotonic() - t0)))
PY
}
