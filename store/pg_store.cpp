// pg_store: opening, the retry loop, fencing and the writes; the reads are
// in pg_store_read.cpp. See store/pg_store.hpp for the guarantees.
#include "store/pg_store.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "store/pg_conn.hpp"
#include "store/pg_schema.hpp"
#include "store/pg_task_columns.hpp"
#include "store/tag_check.hpp"

namespace drover {

namespace {

/// SQLSTATEs the caller caused: a taken origin or task id, text PostgreSQL
/// cannot hold (invalid UTF-8), a value out of range.
bool callers_mistake(const std::string& state) {
  return state == "23505" || state == "22021" || state == "22P05" || state == "22003";
}

/// The session every connection of the store runs with: how far a commit
/// goes (--durability), no transaction left open by a paused process for
/// long, and the temp table a group of changes is copied into.
std::string session_sql(durability d) {
  return std::string{"SET synchronous_commit = "} + (d == durability::disk ? "on" : "off")
         + "; SET idle_in_transaction_session_timeout = 2000"
           "; CREATE TEMP TABLE IF NOT EXISTS drover_changes(" + pg_change_table_columns()
         + ") ON COMMIT DELETE ROWS";
}

/// The COPY text of a group of changes: the newest change of each task for
/// drover_changes, and every event for the events table.
std::pair<std::string, std::string> copy_text_of(const std::vector<task_change>& changes) {
  auto winner = newest_changes(changes);
  std::string rows, events;
  rows.reserve(changes.size() * 64);
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    if (winner[i])
      append_change_copy(rows, c);
    // Events are a log, kept even when the guard skips the columns: a stale
    // ACK is recorded without moving the task's version.
    if (c.event == event_kind::none)
      continue;
    events += std::to_string(c.id) + '\t' + std::to_string(static_cast<int>(c.event)) + '\t'
              + std::to_string(c.version) + '\t' + std::to_string(c.event_ms) + '\t';
    copy_bytea(events, c.detail);
    events += '\n';
  }
  return {std::move(rows), std::move(events)};
}

} // namespace

pg_store::pg_store(std::unique_ptr<pg_connection> c, const store_options& o, int64_t writer)
  : conn_(std::move(c)), opts_(o), fence_(o.fence_epoch), writer_(writer) {}

pg_store::~pg_store() = default;

result<std::unique_ptr<pg_store>> pg_store::open(const std::string& spec,
                                                 const store_options& o) {
  auto c = open_pg_session(spec, session_sql(o.d));
  if (!c)
    return std::move(c).err();
  auto writer = (*c)->exec("SELECT nextval('drover_writer_ids')");
  if (!writer)
    return std::move(writer).err();
  return std::unique_ptr<pg_store>{new pg_store(std::move(*c), o, writer->i64(0, 0))};
}

// -- retries and transactions ---------------------------------------------------

error pg_store::retrying(const std::function<error()>& attempt) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::milliseconds(opts_.retry_for_ms);
  auto backoff = std::chrono::milliseconds(50);
  while (true) {
    error err;
    if (!conn_->alive())
      err = conn_->reconnect();
    if (!err)
      err = attempt();
    if (!err || !pg_retryable(err))
      return err;
    if (clock::now() + backoff > deadline) {
      err.message += " (gave up after retrying for "
                     + std::to_string(opts_.retry_for_ms / 1000) + " s)";
      return err;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  }
}

error pg_store::write(const char* what, const std::function<error()>& body) {
  return retrying([&]() -> error {
    if (auto r = conn_->exec("BEGIN"); !r)
      return std::move(r).err();
    error err = body();
    if (!err) {
      err = commit_fenced(*conn_, fence_, what);
      if (!err && drop_commit_reply_) {
        drop_commit_reply_ = false;
        (void)conn_->reconnect(); // the retry below starts on a fresh connection either way
        return error{ec::unreachable, "PostgreSQL " + conn_->server()
                                        + ": the reply to COMMIT was lost (injected)"};
      }
    } else if (callers_mistake(conn_->last_sqlstate())) {
      err.code = ec::bad_input;
    }
    if (err && conn_->alive())
      (void)conn_->exec("ROLLBACK"); // `err` says what went wrong; no transaction is left open
    return err;
  });
}

error pg_store::read(const std::function<error()>& body) {
  return retrying([&]() -> error {
    if (auto r = conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !r)
      return std::move(r).err();
    error err = body();
    if (conn_->alive())
      (void)conn_->exec(err ? "ROLLBACK" : "COMMIT"); // a read: nothing to lose
    return err;
  });
}

// -- writes -----------------------------------------------------------------------

error pg_store::put_tasks(const job& j, uint32_t seq, const std::vector<task>& tasks) {
  if (auto err = tags_are_storable(tasks))
    return err;
  // Made before BEGIN: building the text of large payloads can take longer
  // than the session's idle-in-transaction limit, which ends the session.
  std::string rows;
  rows.reserve(tasks.size() * 160);
  for (const auto& t : tasks)
    append_task_copy(rows, t);
  return write("storing a task list", [&] { return write_tasks(j, seq, tasks, rows); });
}

error pg_store::write_tasks(const job& j, uint32_t seq, const std::vector<task>& tasks,
                           const std::string& rows) {
  pg_params jp;
  jp.add(static_cast<int64_t>(j.id)).add(j.name).add(j.group);
  if (j.origin.empty()) // NULL: UNIQUE allows any number of unnamed jobs
    jp.add_null();
  else
    jp.add(j.origin);
  jp.add(static_cast<int64_t>(j.total)).add(j.created_ms).add(int64_t{j.sealed ? 1 : 0})
    .add(j.producer).add(j.pushed_ms).add(int64_t{j.cancelled ? 1 : 0});
  auto r = conn_->exec(
    "INSERT INTO jobs(id, name, grp, origin, total, created_ms, sealed, producer, pushed_ms, "
    "cancelled) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT(id) DO UPDATE SET "
    "total=excluded.total, sealed=greatest(jobs.sealed, excluded.sealed), "
    "producer=excluded.producer, pushed_ms=excluded.pushed_ms, "
    "cancelled=greatest(jobs.cancelled, excluded.cancelled)", jp);
  if (!r)
    return std::move(r).err();
  pg_params lp;
  lp.add(static_cast<int64_t>(j.id)).add(int64_t{seq})
    .add(tasks.empty() ? int64_t{0} : static_cast<int64_t>(tasks[0].id))
    .add(static_cast<int64_t>(tasks.size()));
  r = conn_->exec("INSERT INTO task_lists(job, seq, first_task, count) VALUES($1,$2,$3,$4) "
                  "ON CONFLICT DO NOTHING", lp);
  if (!r)
    return std::move(r).err();
  if (r->affected() == 0 || tasks.empty())
    return {}; // a re-sent list: acknowledged again, not stored twice
  return conn_->copy_in("COPY tasks FROM STDIN", rows);
}

error pg_store::put_job(const job& j) {
  return write("updating a job", [&]() -> error {
    pg_params p;
    p.add(static_cast<int64_t>(j.id)).add(static_cast<int64_t>(j.total))
      .add(int64_t{j.sealed ? 1 : 0}).add(j.producer).add(j.pushed_ms)
      .add(int64_t{j.cancelled ? 1 : 0});
    auto r = conn_->exec("UPDATE jobs SET total=$2, sealed=greatest(sealed, $3::smallint), "
                         "producer=$4, pushed_ms=$5, "
                         "cancelled=greatest(cancelled, $6::smallint) WHERE id=$1", p);
    if (!r)
      return std::move(r).err();
    if (r->affected() == 0)
      return {ec::unknown_job, "no job " + std::to_string(j.id) + " in the store"};
    return {};
  });
}

error pg_store::apply(const std::vector<task_change>& changes) {
  if (changes.empty())
    return {};
  auto group = ++group_; // one number for every retry of this group
  auto [rows, events] = copy_text_of(changes); // before BEGIN, as put_tasks' rows
  return write("storing task changes", [&]() -> error {
    // Recorded in the same transaction: if this group committed already (a
    // retry after the COMMIT reply was lost), the row says so and nothing
    // is applied again.
    pg_params p;
    p.add(writer_).add(group);
    auto r = conn_->exec("INSERT INTO applied_groups(writer, last_group) VALUES($1, $2) "
                         "ON CONFLICT(writer) DO UPDATE SET last_group = excluded.last_group "
                         "WHERE applied_groups.last_group < excluded.last_group", p);
    if (!r)
      return std::move(r).err();
    if (r->affected() == 0)
      return {};
    return write_changes(rows, events);
  });
}

error pg_store::write_changes(const std::string& rows, const std::string& events) {
  static const std::string copy_changes =
    "COPY drover_changes(" + pg_change_column_list() + ") FROM STDIN";
  // The version guard: an older or replayed change leaves the row alone.
  // The temp table has no statistics, so the planner would hash-join it
  // against a full scan of tasks (a group's cost growing with the table:
  // 38 k tasks/s at 20 k tasks, 19 k at 100 k, measured); one index lookup
  // per change instead, told in the same round trip.
  static const std::string update = "SET LOCAL enable_hashjoin = off; "
                                    "SET LOCAL enable_mergejoin = off; "
                                    "UPDATE tasks t SET " + pg_change_set_sql()
                                    + " FROM drover_changes c WHERE t.id = c.id "
                                      "AND t.version < c.version";
  if (auto err = conn_->copy_in(copy_changes, rows))
    return err;
  if (auto r = conn_->exec(update); !r)
    return std::move(r).err();
  if (events.empty())
    return {};
  return conn_->copy_in("COPY events(task, kind, version, at_ms, detail) FROM STDIN", events);
}

} // namespace drover
