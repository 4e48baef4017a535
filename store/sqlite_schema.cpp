// Schema creation, versioning and migration of the SQLite store. Nothing is
// written to a file until it is known to be empty or a drover store, so a
// wrong --store path never damages someone else's file.
#include "store/sqlite_schema.hpp"

#include "store/sqlite_library.hpp"
#include "store/task_columns.hpp"

#include <sqlite3.h>

#include <cstdint>

namespace drover {

namespace {

// The current schema, written whole into a fresh file; the tasks table comes
// from the column list (store/task_columns.cpp).
constexpr const char* current_schema_head = R"sql(
CREATE TABLE schema_version(version INTEGER NOT NULL);
CREATE TABLE jobs(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, grp TEXT NOT NULL,
  origin TEXT UNIQUE, total INTEGER NOT NULL, created_ms INTEGER NOT NULL,
  sealed INTEGER NOT NULL DEFAULT 0, producer TEXT NOT NULL DEFAULT '',
  pushed_ms INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE task_lists(
  job INTEGER NOT NULL, seq INTEGER NOT NULL, first_task INTEGER NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY(job, seq)) WITHOUT ROWID;
)sql";
constexpr const char* current_schema_tail = R"sql(
CREATE TABLE manager_epoch(epoch INTEGER NOT NULL);
INSERT INTO manager_epoch VALUES(0);
CREATE TABLE events(
  task INTEGER NOT NULL, kind INTEGER NOT NULL, version INTEGER NOT NULL,
  at_ms INTEGER NOT NULL, detail TEXT NOT NULL DEFAULT '');
CREATE INDEX events_by_task ON events(task);
CREATE INDEX tasks_ended_badly ON tasks(job, state) WHERE state >= 4;
)sql";

// One step per schema version: steps[i] moves a file from version i+1 to
// i+2. Append a step (and bump sqlite_schema_version) for every change to
// the schema but a new task column (add_missing_task_columns adds those);
// never edit a released step.
constexpr const char* migration_steps[] = {
  // v1 -> v2: events carry a text, e.g. "from c1" on a reassignment, and a
  // job knows whether its last list arrived.
  "ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE jobs ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;",
  // v2 -> v3: a job's FAILED, CANCELLED and TIMED_OUT tasks by index, for
  // GET /v1/jobs/{id}/tasks?state=. Partial, so the common path (a task
  // moving through PENDING .. SUCCEEDED) never writes to it.
  "CREATE INDEX tasks_ended_badly ON tasks(job, state) WHERE state >= 4;",
  // v3 -> v4: a job's run continues after failovers and restarts, so the
  // store keeps who pushed its latest list and when (a push cut short shows
  // its age), and whether it was cancelled (later lists are refused).
  "ALTER TABLE jobs ADD COLUMN producer TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE jobs ADD COLUMN pushed_ms INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE jobs ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;"
  // ...and how often a manager loaded it: leases of a restarted manager
  // never equal those an earlier one handed out and did not store.
  "CREATE TABLE manager_epoch(epoch INTEGER NOT NULL);"
  "INSERT INTO manager_epoch VALUES(0);",
};
static_assert(sizeof(migration_steps) / sizeof(migration_steps[0])
                == sqlite_schema_version - 1,
              "every schema version needs a migration step");

/// Runs a query that yields one integer (0 if it yields no row).
int query_int(sqlite3* db, const char* sql, int64_t& out) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  out = 0;
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
      out = sqlite3_column_int64(st, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
  sqlite3_finalize(st);
  return rc;
}

/// The file's schema version: 0 for an empty file, -1 for an SQLite file
/// that is not a drover store. Only reads.
result<int64_t> read_version(sqlite3* db, const std::string& path) {
  // The first statement is where SQLite reads the header and so finds out
  // that a file is not a database at all: treat its failure with care.
  int64_t objects = 0;
  if (query_int(db, "SELECT count(*) FROM sqlite_master", objects) != SQLITE_OK)
    return sqlite_error(db, path, "cannot read the store");
  if (objects == 0)
    return int64_t{0};
  int64_t has_table = 0;
  if (query_int(db, "SELECT count(*) FROM sqlite_master WHERE type='table' "
                    "AND name='schema_version'", has_table) != SQLITE_OK)
    return sqlite_error(db, path, "cannot read the store");
  if (!has_table)
    return int64_t{-1};
  int64_t version = 0;
  if (query_int(db, "SELECT max(version) FROM schema_version", version) != SQLITE_OK)
    return sqlite_error(db, path, "cannot read the schema version");
  return version < 1 ? int64_t{-1} : version;
}

/// Creates (from 0) or migrates (from an older version) in one transaction.
error upgrade(sqlite3* db, const std::string& path, int64_t from) {
  std::string sql = "BEGIN IMMEDIATE;";
  if (from == 0) {
    sql += current_schema_head;
    sql += task_table_sql();
    sql += current_schema_tail;
    sql += "INSERT INTO schema_version VALUES(";
  } else {
    for (auto v = from; v < sqlite_schema_version; ++v)
      sql += migration_steps[v - 1];
    sql += "UPDATE schema_version SET version=(";
  }
  sql += std::to_string(sqlite_schema_version) + ");COMMIT;";
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK)
    return {};
  auto err = sqlite_error(db, path, from == 0 ? "cannot create the schema"
                                              : "cannot migrate the schema");
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return err;
}

error prepare_file(sqlite3* db, const std::string& path, durability d) {
  auto read = read_version(db, path);
  if (!read)
    return read.err();
  int64_t version = *read;
  if (version < 0)
    return {ec::store_corrupt,
            path + ": an SQLite file but not a drover store (no schema_version); "
                   "point --store at another file"};
  if (version > sqlite_schema_version)
    return {ec::store_failure,
            path + ": written by a newer drover (schema v" + std::to_string(version)
              + ", this build knows up to v" + std::to_string(sqlite_schema_version)
              + "); run a newer drover on it"};
  // From here on the file is ours to write. WAL: readers never block the
  // writer and a commit is one append. How far a commit goes before it
  // returns (fsync or only write) is the durability setting
  // (store/durability.hpp); neither can corrupt the file.
  const char* pragmas = "PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536;"
                        "PRAGMA temp_store=MEMORY;";
  if (sqlite3_exec(db, pragmas, nullptr, nullptr, nullptr) != SQLITE_OK)
    return sqlite_error(db, path, "cannot configure the store");
  if (auto err = apply_durability(db, d, path))
    return err;
  if (version < sqlite_schema_version)
    if (auto err = upgrade(db, path, version))
      return err;
  return add_missing_task_columns(db, path);
}

} // namespace

error sqlite_error(sqlite3* db, const std::string& path, const std::string& what) {
  int code = db ? sqlite3_errcode(db) : SQLITE_CANTOPEN;
  std::string msg = path + ": " + what + ": "
                    + (db ? sqlite3_errmsg(db) : "out of memory");
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    return {ec::store_corrupt,
            msg + "; the file is left untouched: move it away or point --store "
                  "at another file"};
  return {ec::store_failure, msg};
}

result<sqlite3*> open_sqlite_file(const std::string& path, durability d) {
  prepare_sqlite_library();
  sqlite3* db = nullptr;
  // NOMUTEX: one thread (the owning actor) uses the connection.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    auto err = sqlite_error(db, path, "cannot open");
    err.message += "; check that the directory exists and is writable";
    sqlite3_close(db);
    return err;
  }
  if (auto err = prepare_file(db, path, d)) {
    sqlite3_close(db);
    return err;
  }
  return db;
}

} // namespace drover
