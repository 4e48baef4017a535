// pg_store's reads: load() (the recovery view, in one REPEATABLE READ
// snapshot), get() and list_tasks(). The queries follow sqlite_store's: a
// job's tasks are the id ranges of its lists (no index on tasks.job), and
// the states that end a task badly go through the partial index
// tasks_ended_badly.
#include "store/pg_store.hpp"

#include <algorithm>
#include <utility>

#include "store/pg_conn.hpp"
#include "store/task_columns.hpp"
#include "store/pg_task_columns.hpp"

namespace drover {

namespace {

/// "t.id, t.job, ...": the task columns qualified, for joins.
const std::string& qualified_columns() {
  static const std::string cols = [] {
    std::string out = "t." + task_column_list();
    for (size_t at = 0; (at = out.find(", ", at)) != std::string::npos; at += 4)
      out.replace(at, 2, ", t.");
    return out;
  }();
  return cols;
}

/// The tasks of `rows` as the list shows them, appended to the page.
void add_summaries(const pg_rows& rows, uint32_t max_result, task_page& out) {
  for (int i = 0; i < rows.size(); ++i) {
    task t;
    read_pg_task(rows, i, t);
    out.tasks.push_back(summary_of(t, max_result));
  }
}

} // namespace

result<recovered_state> pg_store::load() {
  recovered_state out;
  // Counted first and on its own: a retried bump only skips an epoch. A
  // write like any other: a deposed leader's load() is fenced off.
  auto bumped = write("counting a store load", [&]() -> error {
    auto r = conn_->exec("UPDATE manager_epoch SET epoch = epoch + 1 RETURNING epoch");
    if (!r)
      return std::move(r).err();
    out.epoch = r->size() ? static_cast<uint64_t>(r->i64(0, 0)) : 1;
    return {};
  });
  if (bumped)
    return bumped;
  auto epoch = out.epoch;
  if (auto err = read([&] {
        out = recovered_state{};
        out.epoch = epoch;
        return load_into(out);
      }))
    return err;
  return out;
}

error pg_store::load_into(recovered_state& out) {
  auto jobs = conn_->exec("SELECT id, name, grp, origin, total, created_ms, sealed, producer, "
                          "pushed_ms, cancelled FROM jobs ORDER BY id");
  if (!jobs)
    return std::move(jobs).err();
  for (int i = 0; i < jobs->size(); ++i) {
    job j;
    j.id = static_cast<job_id>(jobs->i64(i, 0));
    j.name = std::string{jobs->text(i, 1)};
    j.group = std::string{jobs->text(i, 2)};
    j.origin = jobs->null(i, 3) ? std::string{} : std::string{jobs->text(i, 3)};
    j.total = static_cast<uint64_t>(jobs->i64(i, 4));
    j.created_ms = jobs->i64(i, 5);
    j.sealed = jobs->i64(i, 6) != 0;
    j.producer = std::string{jobs->text(i, 7)};
    j.pushed_ms = jobs->i64(i, 8);
    j.cancelled = jobs->i64(i, 9) != 0;
    out.max_job_id = j.id; // ascending
    out.jobs.push_back(std::move(j));
  }
  auto lists = conn_->exec("SELECT job, seq, first_task, count FROM task_lists ORDER BY job, seq");
  if (!lists)
    return std::move(lists).err();
  for (int i = 0; i < lists->size(); ++i)
    out.lists.push_back({static_cast<job_id>(lists->i64(i, 0)),
                         static_cast<uint32_t>(lists->i64(i, 1)),
                         static_cast<task_id>(lists->i64(i, 2)),
                         static_cast<uint32_t>(lists->i64(i, 3))});
  auto max = conn_->exec("SELECT coalesce(max(id), 0) FROM tasks");
  if (!max)
    return std::move(max).err();
  out.max_task_id = static_cast<task_id>(max->i64(0, 0));
  // Sorted here, not by the server: its sort of every unfinished row spills
  // to disk past work_mem (4 MB by default, ~25 k tasks), a third of a
  // takeover's load at 200 k; the rows mostly arrive in id order anyway.
  auto open = conn_->exec("SELECT " + task_column_list() + " FROM tasks WHERE state < 3");
  if (!open)
    return std::move(open).err();
  out.unfinished.resize(static_cast<size_t>(open->size()));
  for (int i = 0; i < open->size(); ++i)
    read_pg_task(*open, i, out.unfinished[static_cast<size_t>(i)]);
  auto by_id = [](const task& a, const task& b) { return a.id < b.id; };
  if (!std::is_sorted(out.unfinished.begin(), out.unfinished.end(), by_id))
    std::sort(out.unfinished.begin(), out.unfinished.end(), by_id);
  auto counts = count_unfinished(out.unfinished);
  auto ended = conn_->exec("SELECT job, state, count(*) FROM tasks WHERE state >= 3 "
                           "GROUP BY job, state");
  if (!ended)
    return std::move(ended).err();
  for (int i = 0; i < ended->size(); ++i) {
    auto job = static_cast<job_id>(ended->i64(i, 0));
    auto state = ended->i64(i, 1);
    auto& c = counts[job];
    c.job = job;
    if (state >= 0 && state < task_state_count)
      c.by_state[state] = static_cast<uint64_t>(ended->i64(i, 2));
  }
  for (const auto& [job, c] : counts)
    out.counts.push_back(c);
  return {};
}

result<task_with_events> pg_store::get(task_id id) {
  task_with_events out;
  bool found = false;
  auto err = read([&]() -> error {
    out = task_with_events{};
    pg_params p;
    p.add(static_cast<int64_t>(id));
    auto row = conn_->exec("SELECT " + task_column_list() + " FROM tasks WHERE id = $1", p);
    if (!row)
      return std::move(row).err();
    found = row->size() == 1;
    if (!found)
      return {};
    read_pg_task(*row, 0, out.t);
    auto ev = conn_->exec("SELECT kind, version, at_ms, detail FROM events WHERE task = $1 "
                          "ORDER BY n", p);
    if (!ev)
      return std::move(ev).err();
    for (int i = 0; i < ev->size(); ++i)
      out.events.push_back({static_cast<event_kind>(ev->i64(i, 0)),
                            static_cast<uint64_t>(ev->i64(i, 1)), ev->i64(i, 2),
                            from_bytea(ev->text(i, 3))});
    return {};
  });
  if (err)
    return err;
  if (!found)
    return {ec::unknown_task, "no task " + std::to_string(id) + " in the store"};
  return out;
}

result<task_page> pg_store::list_tasks(const task_query& q) {
  task_page out;
  if (auto err = read([&] {
        out = task_page{};
        return page_into(q, out);
      }))
    return err;
  return out;
}

error pg_store::page_into(const task_query& q, task_page& out) {
  pg_params p;
  std::string sql;
  if (!is_filtered(q) && q.any_state) { // arithmetic on the job's id ranges
    p.add(static_cast<int64_t>(q.job));
    auto lists = conn_->exec("SELECT first_task, count FROM task_lists WHERE job = $1", p);
    if (!lists)
      return std::move(lists).err();
    std::vector<stored_list> ranges;
    for (int i = 0; i < lists->size(); ++i) {
      ranges.push_back({q.job, 0, static_cast<task_id>(lists->i64(i, 0)),
                        static_cast<uint32_t>(lists->i64(i, 1))});
      out.total += ranges.back().count;
    }
    std::string ids = "{";
    for (auto id : page_of(std::move(ranges), q.offset, q.limit))
      ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    pg_params page;
    page.add(ids + "}");
    sql = "SELECT " + task_column_list() + " FROM tasks WHERE id = ANY($1::bigint[]) ORDER BY id";
    auto rows = conn_->exec(sql, page);
    if (!rows)
      return std::move(rows).err();
    add_summaries(*rows, q.max_result, out);
    return {};
  }
  std::string from = "tasks t", where = "TRUE";
  if (q.job != 0) {
    p.add(static_cast<int64_t>(q.job));
    if (!q.any_state && q.state >= task_state::failed && !q.search) {
      where += " AND t.job = $1"; // the partial index (job, state) WHERE state >= 4
    } else {
      from = "task_lists l JOIN tasks t ON t.id BETWEEN l.first_task "
             "AND l.first_task + l.count - 1";
      where += " AND l.job = $1";
    }
  }
  if (!q.any_state)
    where += (q.state >= task_state::failed ? " AND t.state >= 4 AND t.state = "
                                            : " AND t.state = ")
             + std::to_string(static_cast<int>(q.state));
  if (q.search) {
    p.add(q.key).add(q.id == 0 ? int64_t{-1} : static_cast<int64_t>(q.id));
    auto k = std::to_string(p.values.size() - 1), i = std::to_string(p.values.size());
    where += " AND (t.key = $" + k + " OR t.id = $" + i + ")";
  }
  auto total = conn_->exec("SELECT count(*) FROM " + from + " WHERE " + where, p);
  if (!total)
    return std::move(total).err();
  out.total = static_cast<uint64_t>(total->i64(0, 0));
  auto rows = conn_->exec("SELECT " + qualified_columns() + " FROM " + from + " WHERE " + where
                            + " ORDER BY t.id OFFSET " + std::to_string(q.offset) + " LIMIT "
                            + std::to_string(q.limit), p);
  if (!rows)
    return std::move(rows).err();
  add_summaries(*rows, q.max_result, out);
  return {};
}

} // namespace drover
