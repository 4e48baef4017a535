// Creation, versioning and migration of the PostgreSQL store. Everything
// happens in one transaction that first takes an advisory lock, so two
// managers opening an empty database together create the schema once, and
// nothing is written before the database is known to be empty or ours.
#include "store/pg_schema.hpp"

#include "store/pg_conn.hpp"
#include "store/pg_task_columns.hpp"

namespace drover {

namespace {

/// pg_advisory_xact_lock key: "drover" in ASCII, so it is recognisable in
/// pg_locks and unlikely to meet another application's key.
constexpr const char* schema_lock = "SELECT pg_advisory_xact_lock(111524906665330)";

// The fencing token lives in a row of its own, changed only when the term
// changes hands: a write checks it FOR SHARE with its COMMIT, so a takeover
// (which updates it) waits for writes in flight and every later write sees
// the new epoch, while the leader's renewals (drover_leader.expires_at,
// four a second) never wait behind a commit's flush.
constexpr const char* term_and_fence = R"sql(
CREATE TABLE drover_term(id INTEGER PRIMARY KEY CHECK (id = 1), epoch BIGINT NOT NULL);
INSERT INTO drover_term SELECT 1, coalesce((SELECT epoch FROM drover_leader WHERE id = 1), 0);
CREATE OR REPLACE FUNCTION drover_fence(expected BIGINT) RETURNS void LANGUAGE plpgsql AS $fence$
DECLARE held BIGINT;
BEGIN
  SELECT epoch INTO held FROM drover_term WHERE id = 1 FOR SHARE;
  IF held IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'fenced: the leader lease is at epoch %, this manager wrote as epoch %',
      coalesce(held::text, 'none'), expected USING ERRCODE = 'DR001';
  END IF;
END $fence$;
)sql";

constexpr const char* schema_head = R"sql(
CREATE TABLE drover_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE jobs(
  id BIGINT PRIMARY KEY, name TEXT NOT NULL, grp TEXT NOT NULL,
  origin TEXT UNIQUE, total BIGINT NOT NULL, created_ms BIGINT NOT NULL,
  sealed SMALLINT NOT NULL DEFAULT 0, producer TEXT NOT NULL DEFAULT '',
  pushed_ms BIGINT NOT NULL DEFAULT 0, cancelled SMALLINT NOT NULL DEFAULT 0);
CREATE TABLE task_lists(
  job BIGINT NOT NULL, seq BIGINT NOT NULL, first_task BIGINT NOT NULL,
  count BIGINT NOT NULL, PRIMARY KEY(job, seq));
)sql";
/// v3: the last group of changes each store connection committed, so a
/// group retried after its COMMIT reply was lost is not applied twice
/// (its event rows would be). One row per opened store: a few per process.
constexpr const char* applied_groups_sql = R"sql(
CREATE SEQUENCE drover_writer_ids;
CREATE TABLE applied_groups(writer BIGINT PRIMARY KEY, last_group BIGINT NOT NULL);
)sql";

constexpr const char* schema_tail = R"sql(
CREATE INDEX tasks_ended_badly ON tasks(job, state) WHERE state >= 4;
CREATE TABLE manager_epoch(epoch BIGINT NOT NULL);
INSERT INTO manager_epoch VALUES(0);
CREATE TABLE events(
  n BIGSERIAL PRIMARY KEY, task BIGINT NOT NULL, kind INTEGER NOT NULL,
  version BIGINT NOT NULL, at_ms BIGINT NOT NULL, detail BYTEA NOT NULL DEFAULT '');
CREATE INDEX events_by_task ON events(task);
CREATE TABLE schedules(
  id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, job_template TEXT NOT NULL,
  every TEXT NOT NULL, cron TEXT NOT NULL, catch_up INTEGER NOT NULL,
  running INTEGER NOT NULL, anchor_ms BIGINT NOT NULL, last_fire_ms BIGINT NOT NULL,
  runs BIGINT NOT NULL, recent TEXT NOT NULL);
CREATE TABLE drover_leader(
  id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, address TEXT NOT NULL,
  epoch BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL);
)sql";
constexpr const char* schema_marker = "INSERT INTO drover_meta VALUES('application', 'drover');";

// One step per schema version: steps[i] moves a database from version i+1
// to i+2. Append a step (and bump pg_schema_version) for every change but a
// new task column (pg_add_task_columns_sql adds those); never edit a
// released step.
constexpr const char* migration_steps[] = {
  term_and_fence,     // v1 -> v2: the epoch moves to drover_term
  applied_groups_sql, // v2 -> v3: a retried group is applied once
};
static_assert(sizeof(migration_steps) / sizeof(migration_steps[0]) >= pg_schema_version - 1,
              "every schema version needs a migration step");

/// -1: another application's database; 0: empty; else the schema version.
result<int64_t> read_version(pg_connection& c) {
  auto r = c.exec(
    "SELECT to_regclass('drover_meta') IS NOT NULL, "
    "(SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
    " WHERE n.nspname = current_schema() AND k.relkind IN ('r','v','m','p','f'))");
  if (!r)
    return std::move(r).err();
  bool marked = r->text(0, 0) == "t";
  int64_t tables = r->i64(0, 1);
  if (!marked)
    return int64_t{tables == 0 ? 0 : -1};
  auto v = c.exec("SELECT (SELECT value FROM drover_meta WHERE key='application'), "
                  "(SELECT value FROM drover_meta WHERE key='schema_version')");
  if (!v)
    return std::move(v).err();
  if (v->null(0, 0) || v->text(0, 0) != "drover" || v->null(0, 1))
    return int64_t{-1};
  return v->i64(0, 1);
}

error finish(pg_connection& c, error err) {
  if (err) {
    (void)c.exec("ROLLBACK"); // the error says what went wrong; a failed rollback adds nothing
    return err;
  }
  auto r = c.exec("COMMIT");
  return r ? error{} : std::move(r).err();
}

} // namespace

error ensure_pg_schema(pg_connection& c) {
  if (auto r = c.exec(std::string{"BEGIN;"} + schema_lock); !r) {
    (void)c.exec("ROLLBACK");
    return std::move(r).err();
  }
  auto read = read_version(c);
  if (!read)
    return finish(c, std::move(read).err());
  int64_t version = *read;
  if (version < 0)
    return finish(c, {ec::store_corrupt,
                      "PostgreSQL " + c.server() + " holds another application's tables "
                      "(no drover_meta marker): nothing was changed; point --store at an "
                      "empty database (CREATE DATABASE drover)"});
  if (version > pg_schema_version)
    return finish(c, {ec::store_failure,
                      "PostgreSQL " + c.server() + ": written by a newer drover (schema v"
                        + std::to_string(version) + ", this build knows up to v"
                        + std::to_string(pg_schema_version) + "); run a newer drover on it"});
  std::string sql;
  if (version == 0) {
    sql = std::string{schema_head} + pg_task_table_sql() + schema_tail + term_and_fence
          + applied_groups_sql + schema_marker
          + "INSERT INTO drover_meta VALUES('schema_version', '"
          + std::to_string(pg_schema_version) + "');";
  } else {
    for (auto v = version; v < pg_schema_version; ++v)
      sql += migration_steps[v - 1];
    if (version < pg_schema_version)
      sql += "UPDATE drover_meta SET value='" + std::to_string(pg_schema_version)
             + "' WHERE key='schema_version';";
  }
  if (version > 0) { // columns added since: ALTER TABLE locks the table, so only when due
    auto n = c.exec("SELECT count(*) FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = 'tasks'");
    if (!n)
      return finish(c, std::move(n).err());
    if (n->i64(0, 0) < pg_task_column_count())
      sql += pg_add_task_columns_sql();
  }
  if (sql.empty())
    return finish(c, {});
  auto r = c.exec(sql);
  if (!r) {
    auto err = std::move(r).err();
    err.message = "cannot " + std::string{version == 0 ? "create" : "migrate"}
                  + " the schema: " + err.message;
    return finish(c, std::move(err));
  }
  return finish(c, {});
}

error commit_fenced(pg_connection& c, uint64_t fence, const std::string& what) {
  // The fence and the commit in one round trip: if drover_fence raises,
  // COMMIT does not run and the caller's ROLLBACK ends the transaction.
  auto r = c.exec(fence == 0 ? std::string{"COMMIT"}
                             : "SELECT drover_fence(" + std::to_string(fence) + "); COMMIT");
  if (r)
    return {};
  if (c.last_sqlstate() == "DR001")
    return {ec::fenced, "PostgreSQL " + c.server() + ": " + what
                          + " refused: another manager leads now (this one wrote as epoch "
                          + std::to_string(fence) + ")"};
  return std::move(r).err();
}

result<std::unique_ptr<pg_connection>> open_pg_session(const std::string& spec,
                                                       const std::string& session,
                                                       pg_timeouts t) {
  auto url = parse_pg_url(spec);
  if (!url)
    return std::move(url).err();
  auto c = pg_connection::open(*url, t);
  if (!c)
    return std::move(c).err();
  if (auto err = ensure_pg_schema(**c))
    return err;
  (*c)->on_connect(session);
  if (auto r = (*c)->exec(session); !r)
    return std::move(r).err();
  return std::move(*c);
}

} // namespace drover
