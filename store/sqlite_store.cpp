// sqlite_store: opening, cached prepared statements and the writes, each
// call one transaction; the reads are in sqlite_store_read.cpp.
#include "store/sqlite_store.hpp"

#include <sqlite3.h>

#include <utility>

#include "store/sqlite_schema.hpp"
#include "store/tag_check.hpp"
#include "store/task_columns.hpp"

namespace drover {

namespace {

void bind_text(sqlite3_stmt* st, int i, std::string_view s) {
  // SQLITE_STATIC: the string (std::string or compact_string) outlives the
  // step that reads it.
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}


} // namespace

void sqlite_store::stmt_deleter::operator()(sqlite3_stmt* st) const {
  sqlite3_finalize(st);
}

result<std::unique_ptr<sqlite_store>> sqlite_store::open(const std::string& path,
                                                         durability d) {
  auto db = open_sqlite_file(path, d);
  if (!db)
    return std::move(db).err();
  std::unique_ptr<sqlite_store> store{new sqlite_store(*db, path)};
  if (auto err = store->prepare_all())
    return err;
  return store;
}

int sqlite_store::synchronous() const {
  return read_synchronous(db_);
}

sqlite_store::~sqlite_store() {
  // Statements first: sqlite3_close refuses a connection with live ones.
  begin_.reset(); commit_.reset(); rollback_.reset(); upsert_job_.reset(); update_job_.reset();
  insert_list_.reset(); insert_task_.reset(); update_task_.reset();
  insert_event_.reset(); select_task_.reset(); select_events_.reset();
  sqlite3_close(db_);
}

error sqlite_store::prepare(stmt_ptr& st, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr)
      != SQLITE_OK)
    return fail("cannot prepare a statement");
  st.reset(raw);
  return {};
}

error sqlite_store::prepare_all() {
  const std::string select_task = "SELECT " + task_column_list() + " FROM tasks WHERE id=?";
  error err;
  (err = prepare(begin_, "BEGIN IMMEDIATE"))
    || (err = prepare(commit_, "COMMIT"))
    || (err = prepare(rollback_, "ROLLBACK"))
    || (err = prepare(upsert_job_,
                      "INSERT INTO jobs(id, name, grp, origin, total, created_ms, "
                      "sealed, producer, pushed_ms, cancelled) VALUES(?,?,?,?,?,?,?,?,?,?) "
                      "ON CONFLICT(id) DO UPDATE SET total=excluded.total, "
                      "sealed=max(sealed, excluded.sealed), producer=excluded.producer, "
                      "pushed_ms=excluded.pushed_ms, "
                      "cancelled=max(cancelled, excluded.cancelled)"))
    || (err = prepare(update_job_,
                      "UPDATE jobs SET total=?2, sealed=max(sealed, ?3), producer=?4, "
                      "pushed_ms=?5, cancelled=max(cancelled, ?6) WHERE id=?1"))
    // OR IGNORE: a re-sent list changes nothing; sqlite3_changes() tells.
    || (err = prepare(insert_list_, "INSERT OR IGNORE INTO task_lists"
                                    "(job, seq, first_task, count) VALUES(?,?,?,?)"))
    || (err = prepare(insert_task_, task_insert_sql().c_str()))
    // The version guard: an older or replayed change leaves the row alone.
    || (err = prepare(update_task_, task_update_sql().c_str()))
    || (err = prepare(insert_event_, "INSERT INTO events(task, kind, version, "
                                     "at_ms, detail) VALUES(?,?,?,?,?)"))
    || (err = prepare(select_task_, select_task.c_str()))
    || (err = prepare(select_events_, "SELECT kind, version, at_ms, detail FROM "
                                      "events WHERE task=? ORDER BY rowid"));
  return err;
}

error sqlite_store::fail(const char* what) const {
  return sqlite_error(db_, path_, what);
}

error sqlite_store::run(sqlite3_stmt* st, const char* what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? error{} : fail(what);
}

error sqlite_store::commit_or_rollback(error err, const char* what) {
  if (!err)
    err = run(commit_.get(), what);
  if (err) // fails harmlessly if COMMIT ended it; `err` says what went wrong
    (void)run(rollback_.get(), "rollback");
  return err;
}

// -- writes ------------------------------------------------------------------

error sqlite_store::put_tasks(const job& j, uint32_t seq,
                              const std::vector<task>& tasks) {
  if (auto err = run(begin_.get(), "cannot begin a transaction"))
    return err;
  auto err = write_tasks(j, seq, tasks);
  if (err && sqlite3_errcode(db_) == SQLITE_CONSTRAINT)
    err.code = ec::bad_input; // a taken origin or task id: the caller's mistake
  return commit_or_rollback(std::move(err), "cannot commit tasks");
}

error sqlite_store::write_tasks(const job& j, uint32_t seq,
                                const std::vector<task>& tasks) {
  auto st = upsert_job_.get();
  sqlite3_bind_int64(st, 1, static_cast<int64_t>(j.id));
  bind_text(st, 2, j.name);
  bind_text(st, 3, j.group);
  if (j.origin.empty()) // NULL: UNIQUE allows any number of unnamed jobs
    sqlite3_bind_null(st, 4);
  else
    bind_text(st, 4, j.origin);
  sqlite3_bind_int64(st, 5, static_cast<int64_t>(j.total));
  sqlite3_bind_int64(st, 6, j.created_ms);
  sqlite3_bind_int(st, 7, j.sealed ? 1 : 0);
  bind_text(st, 8, j.producer);
  sqlite3_bind_int64(st, 9, j.pushed_ms);
  sqlite3_bind_int(st, 10, j.cancelled ? 1 : 0);
  if (auto err = run(st, "cannot store the job"))
    return err;
  st = insert_list_.get();
  sqlite3_bind_int64(st, 1, static_cast<int64_t>(j.id));
  sqlite3_bind_int64(st, 2, seq);
  sqlite3_bind_int64(st, 3, tasks.empty() ? 0 : static_cast<int64_t>(tasks[0].id));
  sqlite3_bind_int64(st, 4, static_cast<int64_t>(tasks.size()));
  if (auto err = run(st, "cannot store the task list"))
    return err;
  if (sqlite3_changes(db_) == 0)
    return {}; // a re-sent list: acknowledged again, not stored twice
  if (auto err = tags_are_storable(tasks))
    return err;
  st = insert_task_.get();
  for (const auto& t : tasks) {
    bind_task(st, t);
    if (auto err = run(st, "cannot store a task"))
      return err;
  }
  return {};
}

error sqlite_store::put_job(const job& j) {
  if (auto err = run(begin_.get(), "cannot begin a transaction"))
    return err;
  auto st = update_job_.get();
  sqlite3_bind_int64(st, 1, static_cast<int64_t>(j.id));
  sqlite3_bind_int64(st, 2, static_cast<int64_t>(j.total));
  sqlite3_bind_int(st, 3, j.sealed ? 1 : 0);
  bind_text(st, 4, j.producer);
  sqlite3_bind_int64(st, 5, j.pushed_ms);
  sqlite3_bind_int(st, 6, j.cancelled ? 1 : 0);
  auto err = run(st, "cannot update the job");
  if (!err && sqlite3_changes(db_) == 0)
    err = {ec::unknown_job, "no job " + std::to_string(j.id) + " in the store"};
  return commit_or_rollback(std::move(err), "cannot commit the job");
}

error sqlite_store::apply(const std::vector<task_change>& changes) {
  if (auto err = run(begin_.get(), "cannot begin a transaction"))
    return err;
  return commit_or_rollback(write_changes(changes), "cannot commit changes");
}

error sqlite_store::write_changes(const std::vector<task_change>& changes) {
  // A group commit often holds several changes of one task (assigned, then
  // succeeded): only the newest reaches the row, in one UPDATE.
  auto winner = newest_changes(changes);
  auto up = update_task_.get();
  auto ev = insert_event_.get();
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    if (winner[i]) { // else another change of this batch wins
      bind_change(up, c);
      if (auto err = run(up, "cannot update a task"))
        return err;
    }
    // Events are a log, kept even when the guard skipped the columns: a
    // stale ACK is recorded without moving the task's version.
    if (c.event == event_kind::none)
      continue;
    sqlite3_bind_int64(ev, 1, static_cast<int64_t>(c.id));
    sqlite3_bind_int(ev, 2, static_cast<int>(c.event));
    sqlite3_bind_int64(ev, 3, static_cast<int64_t>(c.version));
    sqlite3_bind_int64(ev, 4, c.event_ms);
    bind_text(ev, 5, c.detail);
    if (auto err = run(ev, "cannot store an event"))
      return err;
  }
  return {};
}

} // namespace drover
