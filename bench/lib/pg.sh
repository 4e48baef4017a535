# A PostgreSQL 15 of the bench's own, started with build/drover_pg_server
# (initdb into a temp dir as nobody, 127.0.0.1, a free port) and stopped by
# PID; sourced after lib/scratch.sh (uses TMP and PIDS).
#   start_pg SERVER DB...   starts it with one database per name; exits 1
#                           if it is not ready within 60 s
#   pg_url DB               the URL of database DB
#   stop_pg                 TERM: drover_pg_server stops PostgreSQL (fast
#                           shutdown) and removes its directory
PG_PID=
start_pg() {
  local server=$1 dbs=() db
  shift
  for db in "$@"; do dbs+=("--db=$db"); done
  "$server" "${dbs[@]}" >"$TMP/pg.out" 2>"$TMP/pg.err" &
  PG_PID=$!
  PIDS+=("$PG_PID")
  for _ in $(seq 600); do grep -q '^ready ' "$TMP/pg.out" && break; kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
  grep -q '^ready ' "$TMP/pg.out" || { echo "PostgreSQL did not start: $(tail -3 "$TMP/pg.err")" >&2; exit 1; }
}
pg_url() { awk -v db="$1" '$1 == "url" && $2 == db {print $3}' "$TMP/pg.out"; }
stop_pg() {
  [[ -n $PG_PID ]] || return 0
  kill -TERM "$PG_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
  wait "$PG_PID" 2>/dev/null || true
  PG_PID=
}
