# Sourced by the bench scripts: waiting for a drover --ready-file and
# reading its fields.

# wait_ready FILE SECONDS [PID]: waits for a --ready-file (written whole,
# then renamed into place, once every role of the process is up); 1 if it
# did not appear in time or PID exited first.
wait_ready() {
  local file=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  while ((SECONDS < deadline)); do
    [[ -s $file ]] && return 0
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      [[ -s $file ]]
      return
    fi
    sleep 0.01
  done
  return 1
}

# ready_get FILE KEY [KEY...]: a field of a ready file, e.g.
# `ready_get m.ready registry` or `ready_get m.ready recovered unfinished`.
ready_get() {
  python3 - "$@" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[k] if isinstance(v, dict) else None
print("" if v is None else v)
PY
}
