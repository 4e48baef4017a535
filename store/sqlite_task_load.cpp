// See sqlite_task_load.hpp.
#include "store/sqlite_task_load.hpp"

#include <sqlite3.h>

#include <iterator>
#include <string>
#include <thread>

#include "store/task_columns.hpp"

namespace drover {

namespace {

int query_max_id(sqlite3* db, task_id& out) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT max(id) FROM tasks", -1, &st, nullptr);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    out = static_cast<task_id>(sqlite3_column_int64(st, 0));
    rc = SQLITE_DONE;
  }
  sqlite3_finalize(st);
  return rc;
}

/// The upper part of the range on a connection of its own. Nothing is
/// written: read-only, and its read transaction ends before it closes.
struct helper_read {
  std::vector<task> tasks;
  bool ok = false;

  void run(const std::string& path, task_id first, task_id last, task_id max_id) {
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) == SQLITE_OK
        && sqlite3_exec(db, "PRAGMA cache_size=-32768; BEGIN", nullptr, nullptr, nullptr)
             == SQLITE_OK) {
      // The main connection's snapshot was taken first and nothing writes
      // the file while a manager loads it (this store is its only writer);
      // the same highest id confirms both read the same table.
      task_id seen = 0;
      try {
        ok = query_max_id(db, seen) == SQLITE_DONE && seen == max_id
             && read_unfinished_range(db, first, last, tasks) == SQLITE_DONE;
      } catch (...) { // out of memory: the main connection reads it instead
        ok = false;
      }
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    sqlite3_close(db);
  }
};

bool splittable(const std::string& path, task_id max_id, task_id split_from) {
  // An in-memory or temporary database is private to its connection.
  return max_id >= split_from && max_id >= 2 && !path.empty() && path != ":memory:"
         && path.rfind("file:", 0) != 0;
}

} // namespace

int read_unfinished_range(sqlite3* db, task_id first, task_id last, std::vector<task>& out) {
  static const std::string sql = "SELECT " + task_column_list()
                                 + " FROM tasks WHERE id BETWEEN ?1 AND ?2 AND state < 3 "
                                   "ORDER BY id";
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, static_cast<int64_t>(first));
    sqlite3_bind_int64(st, 2, static_cast<int64_t>(last));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      read_task(st, out.emplace_back());
  }
  sqlite3_finalize(st);
  return rc;
}

int read_unfinished(sqlite3* db, const std::string& path, task_id max_id, std::size_t expected,
                    std::vector<task>& out, task_id split_from) {
  out.reserve(out.size() + expected);
  if (!splittable(path, max_id, split_from))
    return read_unfinished_range(db, 0, max_id, out);
  task_id mid = max_id / 2;
  helper_read upper;
  upper.tasks.reserve(expected / 2 + expected / 8);
  std::thread helper;
  try {
    helper = std::thread{[&] { upper.run(path, mid + 1, max_id, max_id); }};
  } catch (const std::system_error&) { // no thread to be had: one connection reads all
    return read_unfinished_range(db, 0, max_id, out);
  }
  struct joined { // also when the read below throws (out of memory)
    std::thread& t;
    ~joined() { t.join(); }
  };
  int rc = SQLITE_DONE;
  {
    joined until_done{helper};
    rc = read_unfinished_range(db, 0, mid, out);
  }
  if (rc != SQLITE_DONE)
    return rc;
  if (!upper.ok)
    return read_unfinished_range(db, mid + 1, max_id, out);
  out.insert(out.end(), std::make_move_iterator(upper.tasks.begin()),
             std::make_move_iterator(upper.tasks.end()));
  return rc;
}

} // namespace drover
