// The `schedules` table (DESIGN.md §7) in the same SQLite file as the tasks,
// on a connection of its own, owned like the task store's by the store actor
// (actors/store_actor.hpp): one writer thread for the file. Created if missing, so files written before
// schedules existed gain it without a schema version bump.
#include <sqlite3.h>

#include "store/pg_conn.hpp"
#include "store/pg_schedule_store.hpp"
#include "store/schedule_store.hpp"
#include "store/sqlite_schema.hpp"

namespace drover {

namespace {

constexpr const char* create_sql =
  "CREATE TABLE IF NOT EXISTS schedules ("
  " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, job_template TEXT NOT NULL,"
  " every TEXT NOT NULL, cron TEXT NOT NULL, catch_up INTEGER NOT NULL,"
  " running INTEGER NOT NULL, anchor_ms INTEGER NOT NULL, last_fire_ms INTEGER NOT NULL,"
  " runs INTEGER NOT NULL, recent TEXT NOT NULL)";

class sqlite_schedule_store final : public schedule_store {
public:
  sqlite_schedule_store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~sqlite_schedule_store() override { sqlite3_close(db_); }

  error save(const schedule_record& r) override {
    auto* st = prepare("INSERT OR REPLACE INTO schedules VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!st)
      return sqlite_error(db_, path_, "cannot save a schedule");
    auto recent = encode_runs(r.recent);
    sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(r.id));
    sqlite3_bind_text(st, 2, r.name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, r.job_template.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, r.every.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, r.cron.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, static_cast<int>(r.catch_up));
    sqlite3_bind_int(st, 7, r.running ? 1 : 0);
    sqlite3_bind_int64(st, 8, r.anchor_ms);
    sqlite3_bind_int64(st, 9, r.last_fire_ms);
    sqlite3_bind_int64(st, 10, static_cast<sqlite3_int64>(r.runs));
    sqlite3_bind_text(st, 11, recent.c_str(), -1, SQLITE_TRANSIENT);
    return finish(st, "cannot save a schedule");
  }

  error remove(uint64_t id) override {
    auto* st = prepare("DELETE FROM schedules WHERE id = ?");
    if (!st)
      return sqlite_error(db_, path_, "cannot delete a schedule");
    sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(id));
    return finish(st, "cannot delete a schedule");
  }

  result<std::vector<schedule_record>> load() override {
    auto* st = prepare("SELECT id, name, job_template, every, cron, catch_up, running, "
                       "anchor_ms, last_fire_ms, runs, recent FROM schedules ORDER BY id");
    if (!st)
      return sqlite_error(db_, path_, "cannot read the schedules");
    std::vector<schedule_record> got;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      schedule_record r;
      r.id = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
      r.name = text(st, 1);
      r.job_template = text(st, 2);
      r.every = text(st, 3);
      r.cron = text(st, 4);
      int policy = sqlite3_column_int(st, 5);
      r.catch_up = policy >= 0 && policy <= 2 ? static_cast<catch_up_policy>(policy)
                                              : catch_up_policy::one;
      r.running = sqlite3_column_int(st, 6) != 0;
      r.anchor_ms = sqlite3_column_int64(st, 7);
      r.last_fire_ms = sqlite3_column_int64(st, 8);
      r.runs = static_cast<uint64_t>(sqlite3_column_int64(st, 9));
      r.recent = decode_runs(text(st, 10));
      got.push_back(std::move(r));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      return sqlite_error(db_, path_, "cannot read the schedules");
    return got;
  }

  int synchronous() const override { return read_synchronous(db_); }

private:
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK)
      return nullptr;
    return st;
  }
  error finish(sqlite3_stmt* st, const char* what) {
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? error{} : sqlite_error(db_, path_, what);
  }
  static std::string text(sqlite3_stmt* st, int col) {
    auto* p = sqlite3_column_text(st, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }

  sqlite3* db_;
  std::string path_;
};

} // namespace

result<std::unique_ptr<schedule_store>> open_schedule_store(const std::string& spec,
                                                            durability d) {
  if (spec == "memory")
    return std::make_unique<memory_schedule_store>();
  if (is_pg_url(spec))
    return open_pg_schedule_store(spec, d);
  constexpr std::string_view prefix = "sqlite:";
  if (spec.size() <= prefix.size() || spec.compare(0, prefix.size(), prefix) != 0)
    return {ec::bad_input, "unknown store '" + spec
                             + "': use 'memory', 'sqlite:PATH' or 'postgres://user@host:port/db'"};
  auto path = spec.substr(prefix.size());
  auto opened = open_sqlite_file(path, d);
  if (!opened)
    return std::move(opened).err();
  sqlite3* db = *opened;
  // The store actor uses this connection and the task store's one after the
  // other on its one thread, so they never wait for each other; the timeout
  // only covers another process (the sqlite3 shell) holding the file.
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_exec(db, create_sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    auto err = sqlite_error(db, path, "cannot create the schedules table");
    sqlite3_close(db);
    return err;
  }
  return std::make_unique<sqlite_schedule_store>(db, path);
}

} // namespace drover
