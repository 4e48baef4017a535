// A page of tasks that is not a plain walk over one job's id ranges
// (store/sqlite_store.hpp, page_ids_filtered): a search of a job by key or
// id (GET /v1/jobs/{id}/tasks?q=), or the tasks of every job that ended
// badly (GET /v1/tasks?state=FAILED). A job's search reads only its id
// ranges (the primary key); across jobs the partial index tasks_ended_badly
// holds exactly the FAILED, CANCELLED and TIMED_OUT tasks.
#include "store/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <string>

namespace drover {

int sqlite_store::page_ids_filtered(const task_query& q, std::vector<task_id>& ids,
                                    uint64_t& total) {
  std::string filter;
  if (!q.any_state) // `state >= 4` repeats the partial index's WHERE, so SQLite uses it
    filter += (q.state >= task_state::failed ? " AND state>=4 AND state=" : " AND state=")
              + std::to_string(static_cast<int>(q.state));
  if (q.search)
    filter += " AND (key=?3 OR id=?4)";
  // Id ranges to walk: the job's lists, or everything.
  std::vector<std::pair<int64_t, int64_t>> ranges;
  if (q.job == 0) {
    ranges.emplace_back(0, INT64_MAX);
  } else {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, "SELECT first_task, count FROM task_lists WHERE job=?1",
                                -1, &st, nullptr);
    if (rc != SQLITE_OK)
      return rc;
    sqlite3_bind_int64(st, 1, static_cast<int64_t>(q.job));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      auto first = sqlite3_column_int64(st, 0);
      ranges.emplace_back(first, first + sqlite3_column_int64(st, 1) - 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      return rc;
    std::sort(ranges.begin(), ranges.end());
  }
  auto sql = "SELECT id FROM tasks WHERE id BETWEEN ?1 AND ?2" + filter + " ORDER BY id";
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr);
  if (rc != SQLITE_OK)
    return rc;
  rc = SQLITE_DONE;
  for (size_t i = 0; i < ranges.size() && rc == SQLITE_DONE; ++i) {
    sqlite3_bind_int64(st, 1, ranges[i].first);
    sqlite3_bind_int64(st, 2, ranges[i].second);
    if (q.search) {
      sqlite3_bind_text(st, 3, q.key.data(), static_cast<int>(q.key.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 4, q.id == 0 ? -1 : static_cast<int64_t>(q.id));
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      if (total++ >= q.offset && ids.size() < q.limit) // count every match, keep the window
        ids.push_back(static_cast<task_id>(sqlite3_column_int64(st, 0)));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc;
}

} // namespace drover
