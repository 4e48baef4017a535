# Sourced by bench/run.sh: workloads W1-W7, one function per system.
# Each records its figures with `record KEY VALUE` (lib/harness.sh).

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

w2_drover() { # W2 on the memory store, then on sqlite (the default store): 4 processes each
  local db=$TMP/w2s.$1.db
  w2_cluster "$1" memory W2.drover memory
  w2_cluster "$1" sqlite W2s.drover "sqlite:$db"
  rm -f "$db" "$db-wal" "$db-shm"
  # The same without prefetch: a window of --capacity (64) per consumer
  w2_cluster "$1" memory-p0 W2p0.drover memory 0
  w2_cluster "$1" sqlite-p0 W2p0s.drover "sqlite:$db" 0
  rm -f "$db" "$db-wal" "$db-shm"
}
# w2_cluster ROUND LABEL KEY STORE [PREFETCH]: registry+manager, 2 consumers,
# producer; PREFETCH: the consumers' --prefetch (default auto).
w2_cluster() {
  local r=$1 tag=w2.$2.$1 key=$3 store=$4 prefetch=${5:-} c1 c2 cflags=()
  [[ -n $prefetch ]] && cflags=(--prefetch="$prefetch")
  if start_manager "$tag" "$store" && start_consumer "$tag" c1 "${cflags[@]}" &&
     c1=$CONS_PID && start_consumer "$tag" c2 "${cflags[@]}" && c2=$CONS_PID; then
    timeout -k 5 120 "$DROVER" run --role=producer --registry="$MGR_EP" --tasks="$N_TP" \
      --type=noop >"$TMP/$tag.prod.out" 2>"$TMP/$tag.prod.err"
    local t
    t=$(throughput_of "$TMP/$tag.prod.out")
    [[ -n $t ]] && record "$key" "$t" || fail "$key" "no throughput line (see $TMP/$tag.prod.err)"
  else
    fail "$key" "cluster did not start (see $TMP/$tag.*.err)"
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
    # Another group: in the first one p2 would stand by while p1 is active.
    spawn "$TMP/$tag.p2.out" "$TMP/$tag.p2.err" "$DROVER" run --role=producer \
      --registry="$MGR_EP" --group=w5b --tasks=$((N5B - N5A)) --type=noop
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
# to its ready file (written once the recovery is done) and SIGKILLs it again.
# Above the default queue bound (4 M per priority) the manager is given room
# for all N6 (N6_OVERRIDE=10000000).
w6_queues() { ((N6 > 4000000)) && echo "--queues=normal:$N6" || true; }

w6_prepare_drover() {
  local tag=w6.fill pid
  spawn "$TMP/$tag.out" "$TMP/$tag.err" "$DROVER" run --http=off --role=registry,manager,producer \
    --listen=127.0.0.1:0 --store="sqlite:$TMP/w6.db" --tasks="$N6" --type=noop $(w6_queues)
  pid=$SPAWNED
  wait_text "$TMP/$tag.out" "tasks stored" 180 "$pid" || { stop "$pid" KILL; return 1; }
  stop "$pid" KILL # the crash
}

w6_drover() {
  local r=$1 tag=w6.$r t0 t1 pid
  t0=$(now_us)
  spawn "$TMP/$tag.out" "$TMP/$tag.err" "$DROVER" run --http=off --role=registry,manager \
    --listen=127.0.0.1:0 --store="sqlite:$TMP/w6.db" --ready-file="$TMP/$tag.ready" $(w6_queues)
  pid=$SPAWNED
  if wait_ready "$TMP/$tag.ready" 120 "$pid"; then
    t1=$(now_us)
    local found
    found=$(ready_get "$TMP/$tag.ready" recovered unfinished)
    if [[ $found == "$N6" ]]; then
      record W6.drover "$(awk -v d=$((t1 - t0)) 'BEGIN{printf "%.3f", d/1e6}')"
      # the manager's own figure, as it logs it for its operator
      record W6.drover.own "$(grep -m1 -o 'ready after recovery in [0-9.]*' "$TMP/$tag.err" | awk '{print $5}')"
    else
      fail W6.drover "recovered ${found:-no} unfinished tasks, expected $N6"
    fi
  else
    fail W6.drover "no ready file within 120 s"
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

w7_drover() { # memory, sqlite with fsync per commit (default), sqlite without fsync
  local r=$1 store label t durability
  for label in memory sqlite sqlite_process; do
    store=memory durability=disk
    [[ $label != memory ]] && { store=sqlite:$TMP/w7.$r.db; rm -f "$TMP/w7.$r.db"*; }
    [[ $label == sqlite_process ]] && durability=process
    timeout -k 5 180 "$DROVER" run --http=off --listen=127.0.0.1:0 --store="$store" --tasks="$N_TP" \
      --durability=$durability --type=noop >"$TMP/w7.$r.$label.out" 2>"$TMP/w7.$r.$label.err"
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

