// sqlite_store's reads: the recovery view of load() (the terminal rows
// counted, the open ones read on two connections: sqlite_task_load.hpp),
// get() for GET /v1/tasks/{id} and list_tasks() for GET /v1/jobs/{id}/tasks.
#include "store/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "store/sqlite_schema.hpp"
#include "store/sqlite_task_load.hpp"
#include "store/task_columns.hpp"

namespace drover {

namespace {

template <class Text> // std::string or compact_string
void read_text(sqlite3_stmt* st, int col, Text& out) {
  auto p = static_cast<const char*>(sqlite3_column_blob(st, col));
  if (p)
    out = std::string_view{p, static_cast<size_t>(sqlite3_column_bytes(st, col))};
  else
    out.clear();
}

/// Calls `f(stmt)` for every row of `sql` with `args` bound in order;
/// returns SQLITE_DONE or the error.
template <class F>
int each_row(sqlite3* db, const char* sql, F&& f, std::initializer_list<int64_t> args = {}) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  int i = 0;
  for (auto a : args)
    sqlite3_bind_int64(st, ++i, a);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      f(st);
  sqlite3_finalize(st);
  return rc;
}

} // namespace

result<recovered_state> sqlite_store::load() {
  recovered_state out;
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE; UPDATE manager_epoch SET epoch=epoch+1; COMMIT;",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return fail("cannot count the manager's start");
  }
  // One read transaction: all queries see the same snapshot.
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("cannot begin a read");
  error err;
  int rc = each_row(db_, "SELECT epoch FROM manager_epoch", [&](sqlite3_stmt* st) {
    out.epoch = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
  });
  if (rc != SQLITE_DONE)
    err = fail("cannot read the manager epoch");
  err || (err = load_jobs(out)) || (err = load_counts(out)) || (err = load_tasks(out));
  sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); // a read: nothing to lose
  if (err)
    return err;
  return out;
}

error sqlite_store::load_jobs(recovered_state& out) {
  int rc = each_row(db_, "SELECT id, name, grp, origin, total, created_ms, sealed, "
                         "producer, pushed_ms, cancelled FROM jobs ORDER BY id",
                    [&](sqlite3_stmt* st) {
    job j;
    j.id = static_cast<job_id>(sqlite3_column_int64(st, 0));
    read_text(st, 1, j.name);
    read_text(st, 2, j.group);
    read_text(st, 3, j.origin);
    j.total = static_cast<uint64_t>(sqlite3_column_int64(st, 4));
    j.created_ms = sqlite3_column_int64(st, 5);
    j.sealed = sqlite3_column_int(st, 6) != 0;
    read_text(st, 7, j.producer);
    j.pushed_ms = sqlite3_column_int64(st, 8);
    j.cancelled = sqlite3_column_int(st, 9) != 0;
    out.max_job_id = j.id; // ascending
    out.jobs.push_back(std::move(j));
  });
  if (rc == SQLITE_DONE)
    rc = each_row(db_, "SELECT job, seq, first_task, count FROM task_lists "
                       "ORDER BY job, seq", [&](sqlite3_stmt* st) {
      out.lists.push_back({static_cast<job_id>(sqlite3_column_int64(st, 0)),
                           static_cast<uint32_t>(sqlite3_column_int64(st, 1)),
                           static_cast<task_id>(sqlite3_column_int64(st, 2)),
                           static_cast<uint32_t>(sqlite3_column_int64(st, 3))});
    });
  if (rc == SQLITE_DONE)
    rc = each_row(db_, "SELECT max(id) FROM tasks", [&](sqlite3_stmt* st) {
      out.max_task_id = static_cast<task_id>(sqlite3_column_int64(st, 0));
    });
  return rc == SQLITE_DONE ? error{} : fail("cannot read jobs");
}

// The terminal rows are counted first: with each job's total they say how
// many open rows to expect, so the read reserves once (a count(*) of the open
// rows would be one more scan of the table). SQL groups only the terminal
// rows: a GROUP BY over all rows sorts every open task as well (a third of
// load() at 1 M pending tasks); the open ones are counted from memory. An
// index on (job, state) would avoid the sort but costs ~40% of apply()
// throughput (measured).
error sqlite_store::load_counts(recovered_state& out) {
  int rc = each_row(db_, "SELECT job, state, count(*) FROM tasks "
                         "WHERE state >= 3 GROUP BY job, state ORDER BY job, state",
                    [&](sqlite3_stmt* st) {
    auto job = static_cast<job_id>(sqlite3_column_int64(st, 0));
    auto state = sqlite3_column_int(st, 1);
    if (out.counts.empty() || out.counts.back().job != job) // ascending by job
      out.counts.push_back(job_counts{job, {}});
    if (state >= 0 && state < task_state_count)
      out.counts.back().by_state[state] = static_cast<uint64_t>(sqlite3_column_int64(st, 2));
  });
  return rc == SQLITE_DONE ? error{} : fail("cannot count tasks");
}

error sqlite_store::load_tasks(recovered_state& out) {
  uint64_t stored = 0, ended = 0;
  for (const auto& j : out.jobs)
    stored += j.total;
  for (const auto& c : out.counts)
    for (int s = 0; s < task_state_count; ++s)
      ended += is_terminal(static_cast<task_state>(s)) ? c.by_state[s] : 0;
  auto expected = std::min<uint64_t>(stored > ended ? stored - ended : 0, out.max_task_id);
  int rc = read_unfinished(db_, path_, out.max_task_id, static_cast<size_t>(expected),
                           out.unfinished);
  if (rc != SQLITE_DONE)
    return fail("cannot read unfinished tasks");
  auto counts = count_unfinished(out.unfinished);
  for (const auto& c : out.counts) { // the terminal ones
    auto& into = counts[c.job];
    into.job = c.job;
    for (int s = 0; s < task_state_count; ++s)
      if (is_terminal(static_cast<task_state>(s)))
        into.by_state[s] += c.by_state[s];
  }
  out.counts.clear();
  out.counts.reserve(counts.size());
  for (const auto& [job, c] : counts)
    out.counts.push_back(c);
  return {};
}

result<task_with_events> sqlite_store::get(task_id id) {
  task_with_events out;
  auto st = select_task_.get();
  sqlite3_bind_int64(st, 1, static_cast<int64_t>(id));
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    read_task(st, out.t);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE)
    return {ec::unknown_task, "no task " + std::to_string(id) + " in the store"};
  if (rc != SQLITE_ROW)
    return fail("cannot read a task");
  st = select_events_.get();
  sqlite3_bind_int64(st, 1, static_cast<int64_t>(id));
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto& e = out.events.emplace_back();
    e.kind = static_cast<event_kind>(sqlite3_column_int(st, 0));
    e.version = static_cast<uint64_t>(sqlite3_column_int64(st, 1));
    e.at_ms = sqlite3_column_int64(st, 2);
    read_text(st, 3, e.detail);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return fail("cannot read events");
  return out;
}

// A job's ids come from its lists' id ranges (task_lists is keyed by job), so
// no index on tasks.job is needed. A state filter scans those ranges reading
// only id and state, except for the states that end a task badly (FAILED,
// CANCELLED, TIMED_OUT): the partial index tasks_ended_badly holds those, so
// `drover results --state=FAILED` on a big job reads only the ends that went
// badly (then sorts those ids). SQLite uses a partial index only when the
// query's WHERE visibly contains the index's own terms: it repeats `state>=4`.
result<task_page> sqlite_store::list_tasks(const task_query& q) {
  task_page out;
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("cannot begin a read");
  std::vector<task_id> ids;
  int rc = page_ids(q, ids, out.total);
  sqlite3_stmt* st = nullptr;
  // What summary_of() shows: no payload, which may be large.
  static const std::vector<std::string> shown{"id", "job", "created_ms", "state", "attempt",
                                               "max_attempts", "type", "consumer", "key",
                                               "result", "finished_ms"};
  static const std::string sql = "SELECT " + task_columns_of(shown) + " FROM tasks WHERE id=?1";
  if (rc == SQLITE_DONE)
    rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK ? SQLITE_DONE
                                                                               : SQLITE_ERROR;
  for (size_t i = 0; i < ids.size() && rc == SQLITE_DONE; ++i) {
    sqlite3_bind_int64(st, 1, static_cast<int64_t>(ids[i]));
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      task t;
      read_task_columns(st, shown, t);
      out.tasks.push_back(summary_of(t, q.max_result));
      rc = SQLITE_DONE;
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_DONE)
    return fail("cannot list a job's tasks");
  return out;
}

int sqlite_store::page_ids(const task_query& q, std::vector<task_id>& ids, uint64_t& total) {
  if (is_filtered(q))
    return page_ids_filtered(q, ids, total);
  auto job = static_cast<int64_t>(q.job);
  std::vector<stored_list> lists;
  int rc = each_row(db_, "SELECT first_task, count FROM task_lists WHERE job=?1",
                    [&](sqlite3_stmt* st) {
    lists.push_back({q.job, 0, static_cast<task_id>(sqlite3_column_int64(st, 0)),
                     static_cast<uint32_t>(sqlite3_column_int64(st, 1))});
  }, {job});
  if (rc != SQLITE_DONE)
    return rc;
  if (q.any_state) {
    for (const auto& l : lists)
      total += l.count;
    ids = page_of(std::move(lists), q.offset, q.limit);
    return rc;
  }
  auto keep = [&](sqlite3_stmt* st) { // count every match, keep the window
    if (total++ >= q.offset && ids.size() < q.limit)
      ids.push_back(static_cast<task_id>(sqlite3_column_int64(st, 0)));
  };
  auto state = std::to_string(static_cast<int>(q.state));
  if (q.state >= task_state::failed) {
    // `state >= 4` repeats the index's WHERE: SQLite matches it term by term.
    auto sql = "SELECT id FROM tasks WHERE job=?1 AND state>=4 AND state=" + state + " ORDER BY id";
    return each_row(db_, sql.c_str(), keep, {job});
  }
  std::sort(lists.begin(), lists.end(),
            [](const stored_list& a, const stored_list& b) { return a.first < b.first; });
  auto sql = "SELECT id FROM tasks WHERE id BETWEEN ?1 AND ?2 AND state=" + state + " ORDER BY id";
  for (size_t i = 0; i < lists.size() && rc == SQLITE_DONE; ++i)
    rc = each_row(db_, sql.c_str(), keep,
                  {static_cast<int64_t>(lists[i].first),
                   static_cast<int64_t>(lists[i].first + lists[i].count) - 1});
  return rc;
}

} // namespace drover
