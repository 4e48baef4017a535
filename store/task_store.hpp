// Durable home of jobs and tasks (DESIGN.md §7). sqlite_store (WAL) is the
// default, memory_store serves explicit non-durable runs and tests. Not
// thread-safe: the store actor (actors/store_actor) is the only owner, so the
// database file is written by one thread only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/task.hpp"
#include "store/durability.hpp"

namespace drover {

/// Lifecycle records. The common path (created, assigned, started, finished)
/// lives in columns of the task row; the rare ones are rows of `events`.
enum class event_kind : uint8_t {
  none = 0,     ///< a common-path change: no event row
  created,
  assigned,
  started,
  succeeded,
  failed,
  retried,
  reassigned,
  timed_out,
  cancelled,
  stale_ack,
  attempt_log,  ///< stderr tail / worker log of one attempt (detail holds it)
};
const char* to_string(event_kind k);

/// One persisted transition: the task's mutable columns after the change,
/// plus an optional event row.
struct task_change {
  task_id id = 0;
  task_state state = task_state::pending;
  uint64_t version = 0;
  uint32_t attempt = 1;
  uint64_t lease_version = 0;
  compact_string consumer;  ///< shares the task's text: no copy per change
  compact_string result;
  int64_t assigned_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  event_kind event = event_kind::none;
  std::string detail;   ///< event text, e.g. "from c1" for a reassignment
  int64_t event_ms = 0;
};

/// Builds the change that persists `t` as it is now.
task_change change_of(const task& t, event_kind event = event_kind::none,
                      std::string detail = {}, int64_t event_ms = 0);

/// Which changes of a group commit reach their task's row: per task the
/// first change with the highest version (the version guard would skip the
/// others anyway), so a group writes each task once.
std::vector<bool> newest_changes(const std::vector<task_change>& changes);

/// A lifecycle record as read back for GET /v1/tasks/{id}.
struct task_event {
  event_kind kind = event_kind::none;
  uint64_t version = 0;
  int64_t at_ms = 0;
  std::string detail;
};

/// A task list that is already stored: a re-sent list (same job origin and
/// sequence number) is acknowledged again instead of stored twice.
struct stored_list {
  job_id job = 0;
  uint32_t seq = 0;
  task_id first = 0;   ///< ids of the list are first .. first+count-1
  uint32_t count = 0;
};

/// Tasks of one job per state, so progress survives restarts.
struct job_counts {
  job_id job = 0;
  std::array<uint64_t, task_state_count> by_state{};
};

/// What the manager reloads on start.
struct recovered_state {
  std::vector<job> jobs;
  std::vector<task> unfinished;     ///< every non-terminal task, by id
  std::vector<job_counts> counts;
  std::vector<stored_list> lists;
  task_id max_task_id = 0;
  job_id max_job_id = 0;
  /// Which load of this store this is: 1 for the first manager, +1 for
  /// every restart. A manager hands out leases above (epoch - 1) << 32, so
  /// none equals a lease an earlier manager gave and never stored.
  uint64_t epoch = 1;
};

/// Tasks of `unfinished` per job and state: the open part of
/// recovered_state::counts (a store adds its terminal counts from SQL, so
/// no query groups every open row).
std::map<job_id, job_counts> count_unfinished(const std::vector<task>& unfinished);

/// One page of a job's tasks (GET /v1/jobs/{id}/tasks), in id order; or,
/// with job 0, of every job's tasks in one of the states that end a task
/// badly (FAILED, CANCELLED, TIMED_OUT: GET /v1/tasks).
struct task_query {
  job_id job = 0;               ///< 0: every job (then !any_state, state >= FAILED)
  bool any_state = true;
  task_state state = task_state::pending; ///< the only state listed, unless any_state
  uint64_t offset = 0;
  uint32_t limit = 100;
  uint32_t max_result = 1024;   ///< bytes of a result kept; longer ones are cut and flagged
  bool search = false;          ///< only tasks whose key is `key` or whose id is `id`
  std::string key;
  task_id id = 0;               ///< 0: no id matches
};

/// The page is not a plain walk over a job's id ranges: a search or every job.
inline bool is_filtered(const task_query& q) { return q.search || q.job == 0; }
/// Whether `t` passes q's filters (job, state, search).
bool matches(const task_query& q, const task& t);

/// A task as the list shows it: no payload, its result cut to max_result.
struct task_summary {
  task_id id = 0;
  job_id job = 0;
  int64_t created_ms = 0;       ///< with id: the external id's middle part
  task_state state = task_state::pending;
  uint32_t attempt = 1;
  uint32_t max_attempts = 1;
  compact_string type;
  compact_string consumer;
  compact_string key;           ///< its routing key, "" for none
  std::string result;           ///< a failed attempt's error text too
  uint64_t result_bytes = 0;    ///< its full size: more than result.size() when cut
  int64_t finished_ms = 0;
};

struct task_page {
  std::vector<task_summary> tasks;
  uint64_t total = 0;           ///< tasks of the job in that state (or all), for paging
};

/// One task as stored, with its rare lifecycle events (oldest first).
struct task_with_events {
  task t;
  std::vector<task_event> events;
};

/// Cuts `text` to at most `max` bytes without splitting a UTF-8 character.
void cut_utf8(std::string& text, std::size_t max);
/// `t` as the list shows it.
task_summary summary_of(const task& t, uint32_t max_result);
/// Ids [offset, offset + limit) of the job whose task ids are the ranges
/// of `lists` (in any order), ascending.
std::vector<task_id> page_of(std::vector<stored_list> lists, uint64_t offset, uint32_t limit);

class task_store {
public:
  virtual ~task_store() = default;

  /// Writes `j` (inserted if new, its `total` updated otherwise) and `tasks`
  /// as list `seq` of that job in one transaction; returns once durable.
  virtual error put_tasks(const job& j, uint32_t seq,
                          const std::vector<task>& tasks) = 0;

  /// Updates a stored job's row (total, sealed, producer, pushed_ms,
  /// cancelled; sealed and cancelled never go back); ec::unknown_job if
  /// it was never stored. Returns once durable.
  virtual error put_job(const job& j) = 0;

  /// Applies `changes` in one transaction (group commit). A change never
  /// overwrites a row that already has a higher version.
  virtual error apply(const std::vector<task_change>& changes) = 0;

  /// Everything the manager needs to resume after a restart; counts this
  /// load (recovered_state::epoch) durably first.
  virtual result<recovered_state> load() = 0;

  /// One task with its rare lifecycle events (oldest first);
  /// ec::unknown_task if there is no such task.
  virtual result<task_with_events> get(task_id id) = 0;

  /// A page of the tasks of job q.job, all or those in q.state, by id.
  /// A job the store does not know has no tasks (total 0).
  virtual result<task_page> list_tasks(const task_query& q) = 0;

  /// Fencing for managers that share a store (PostgreSQL): from now on
  /// every write transaction commits only while the leader lease row
  /// (store/leader_lease.hpp) still carries `epoch`, else it changes
  /// nothing and fails with ec::fenced. 0 turns the check off (a single
  /// manager). Stores only one process writes (SQLite, memory) ignore it.
  /// Safe to call from any thread.
  virtual void set_fence(uint64_t epoch) { (void)epoch; }
};

/// How a store is opened beyond its spec and durability.
struct store_options {
  durability d = durability::disk;
  /// The leader lease epoch every write is fenced with (see set_fence); 0: none.
  uint64_t fence_epoch = 0;
  /// PostgreSQL: how long an operation keeps reconnecting and retrying
  /// (bounded backoff) after the connection broke or the server restarts,
  /// before it reports ec::unreachable.
  int64_t retry_for_ms = 20000;
};

/// Opens a store from a spec: "memory", "sqlite:PATH" or
/// "postgres://user[:password]@host[:port]/db" (also postgresql://). A
/// corrupt or unreadable file, or a database of another application or a
/// newer drover, gives ec::store_corrupt / ec::store_failure naming it and
/// is left untouched; an unreachable server ec::unreachable, a refused
/// login ec::forbidden, a malformed spec ec::bad_input.
result<std::unique_ptr<task_store>> open_store(const std::string& spec, const store_options& o);
inline result<std::unique_ptr<task_store>> open_store(const std::string& spec,
                                                      durability d = durability::disk) {
  store_options o;
  o.d = d;
  return open_store(spec, o);
}

} // namespace drover
