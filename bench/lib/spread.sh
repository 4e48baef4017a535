# Sourced by bench/curves.sh: one run with the consumers spread over
# processes, laid out as W2 is: registry+manager, two swarm_bench processes
# holding half of the consumers each, and one producer process (one job of
# all the tasks). Needs DROVER, SWARM, TMP and PIDS (lib/scratch.sh).
#
# spread_run STORE_SPEC CONSUMERS TASKS PAYLOAD_BYTES: prints
# "tasks_per_s p50_ms p99_ms ok"; tasks/s is the producer's own figure
# (submit to the last ACK), p50/p99 submit -> done of an even sample of
# 1,000 tasks read back from the manager's REST API.

source "$(dirname "${BASH_SOURCE[0]}")/ready.sh" # wait_ready, ready_get

spread_run() {
  local spec=$1 c=$2 n=$3 bytes=$4 dir=$TMP/spread mgr pids=() ep http ok=1 tput
  rm -rf "$dir"
  mkdir -p "$dir"
  "$DROVER" run --role=registry,manager --listen=127.0.0.1:0 --http=127.0.0.1:0 \
    --store="$spec" --log-level=warn --ready-file="$dir/m.ready" >"$dir/m.out" 2>"$dir/m.err" &
  mgr=$!
  PIDS+=("$mgr")
  if ! wait_ready "$dir/m.ready" 30 "$mgr"; then
    note "spread: the manager did not start ($(tail -1 "$dir/m.err"))"
    kill "$mgr" 2>/dev/null
    echo "0 0 0 0"
    return 0
  fi
  ep=$(ready_get "$dir/m.ready" registry)
  http=$(ready_get "$dir/m.ready" http)
  local half=$((c / 2)) name count
  for name in a b; do
    count=$half
    [[ $name == b ]] && count=$((c - half))
    "$SWARM" --registry="$ep" --consumers="$count" --name="$name" \
      --ready-file="$dir/$name.ready" >"$dir/$name.out" 2>"$dir/$name.err" &
    pids+=($!)
    PIDS+=($!)
  done
  wait_ready "$dir/a.ready" 120 "${pids[0]}" && wait_ready "$dir/b.ready" 120 "${pids[1]}" || ok=0
  if ((ok)); then
    timeout -k 5 "${RUN_TIMEOUT:-1200}" "$DROVER" run --role=producer --registry="$ep" \
      --tasks="$n" --type=noop --payload="$(head -c "$bytes" /dev/zero | tr '\0' x)" \
      >"$dir/p.out" 2>"$dir/p.err" || ok=0
  fi
  tput=$(grep -m1 -o '^throughput: [0-9]*' "$dir/p.out" 2>/dev/null | awk '{print $2}')
  [[ -n $tput ]] || { ok=0; tput=0; }
  if ((ok)); then
    python3 - "$http" "$n" "$tput" <<'EOF' || echo "$tput 0 0 0"
import json, sys, urllib.request
base, n = sys.argv[1], int(sys.argv[2])
step = max(1, n // 1000)
waits = []
for i in range(1, n + 1, step):
    with urllib.request.urlopen(f"http://{base}/v1/tasks/{i}", timeout=5) as r:
        t = json.loads(r.read())
    if t["finished_ms"]:
        waits.append(t["finished_ms"] - t["created_ms"])
waits.sort()
at = lambda q: waits[min(len(waits) - 1, int(q * len(waits)))]
print(sys.argv[3], at(0.50), at(0.99), 1 if waits else 0)
EOF
  fi
  kill -TERM "${pids[@]}" "$mgr" 2>/dev/null
  wait "${pids[@]}" "$mgr" 2>/dev/null
  ((ok)) || { note "spread c=$c: FAILED ($(tail -1 "$dir/p.err" 2>/dev/null))"; echo "$tput 0 0 0"; }
}
