// The manager's state and the functions that change it (manager_logic.cpp).
// The behavior in manager.cpp only routes messages to these functions.
// Tests read this state directly on the deterministic scheduler.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/manager.hpp"
#include "actors/protocol.hpp"
#include "core/id_table.hpp"
#include "core/queues.hpp"
#include "core/task_state.hpp"
#include "rules/assign.hpp"

namespace drover {

struct consumer_entry {
  member_info info;
  caf::actor handle;
  uint32_t inflight = 0;      ///< tasks leased and not yet reported
  bool lost = false;          ///< down or deregistered, grace running
  uint64_t lost_gen = 0;      ///< generation of the grace timer in force
  std::vector<assignment> outbox;
};

/// A producer; per group one is active, the others stand by (DESIGN.md §6).
struct producer_entry {
  member_info info;
  caf::actor handle;
  uint64_t joined = 0;        ///< join order: the earliest standby is promoted
  bool lost = false;          ///< down or deregistered, grace running
  uint64_t lost_gen = 0;
};

struct job_entry {
  job meta;
  std::string producer;              ///< node that pushed it (for a takeover)
  int64_t started_ms = 0;            ///< first assignment, unix ms
  std::array<uint64_t, task_state_count> by_state{};
  uint64_t unassignable = 0;
  int64_t finished_ms = 0;
  bool done = false;                 ///< sealed and every task terminal
  bool cancelled = false;            ///< later lists are refused
  std::vector<caf::actor> watchers;  ///< told job_done when it completes
};

struct manager_state {
  manager_options opts;
  id_table<task> tasks;                     ///< live tasks, dense pages by id (issue 8, W5)
  std::unordered_map<job_id, job_entry> jobs;
  std::unordered_map<std::string, job_id> job_by_origin;
  std::map<std::pair<job_id, uint32_t>, stored_list> lists;
  priority_queues pending;
  std::vector<task_id> unassignable;        ///< no live consumer has their tags
  std::map<std::string, consumer_entry> consumers;
  assigner chooser;                          ///< rules/: who gets each task
  caf::actor rules_keeper;                   ///< parses new rule sets, watches the file
  int64_t rules_since_ms = 0;                ///< when the set in force was swapped in
  std::vector<candidate> candidates;         ///< the consumers, as rules/ sees them
  std::vector<consumer_entry*> candidate_of; ///< same order as candidates
  bool members_dirty = true;                 ///< rebuild candidates before choosing
  std::map<std::string, producer_entry> producers;      ///< by node
  std::map<std::string, std::string> active_producer;  ///< group -> node
  std::map<std::string, std::string> orphaned_by;      ///< group -> lost active, no standby
  uint64_t producer_joins = 0;
  std::vector<task_change> changes;          ///< to the store after each message
  task_id next_task = 1;
  job_id next_job = 1;
  manager_stats stats;
  latency_histogram ack_latency;             ///< assignment -> ACK applied
  uint64_t retry_waiting = 0;                ///< retries waiting out their backoff
  std::deque<alert_info> alerts;             ///< supervisors' alerts, oldest first
  static constexpr size_t max_alerts = 100;
  static inline const char* name = "manager";
};

using manager_ptr = caf::stateful_actor<manager_state>*;

// -- manager_logic.cpp ---------------------------------------------------------

/// The job's entry, or nullptr.
job_entry* find_job(manager_state& st, job_id id);
/// Keeps the per-job state counts in step with a task that moved `from`.
void count_move(manager_state& st, const task& t, task_state from);
/// Unix milliseconds now, on the actor clock (virtual in tests).
int64_t now_ms(manager_ptr self);
/// Fills the tables from what the store kept; leased tasks go back to PENDING.
void recover(manager_ptr self, recovered_state& rs);
/// Stores a list (once per origin+seq) and answers the producer when durable.
caf::result<list_ack> submit(manager_ptr self, task_list& list);
/// Hands pending tasks to consumers with free credit, in batches.
void dispatch(manager_ptr self);
/// Puts the tasks no member could take back in the queue, for another look
/// after membership or the rules changed.
void requeue_unassignable(manager_state& st);
void on_reports(manager_ptr self, const std::string& node,
                std::vector<task_report>& reports);
void on_started(manager_ptr self, const std::string& node,
                const std::vector<lease_ref>& refs);
void on_joined(manager_ptr self, const member_info& info, const caf::actor& hdl);
/// A member went down or left: its work moves after the grace.
void on_lost(manager_ptr self, const member_info& who, const char* why);
void on_grace_expired(manager_ptr self, const std::string& node, uint64_t gen);
void on_retry_due(manager_ptr self, task_id id, uint64_t version);
/// Tells the watchers once every task of a sealed job is terminal.
void check_done(manager_ptr self, job_entry& j);
/// After a task's attempt ended with `effect` (it was in state `from`):
/// counts, persists, schedules the retry, or forgets the finished task.
void settle(manager_ptr self, id_table<task>::iterator ti,
            task_state from, ack_effect effect, int64_t now);

// -- manager_producers.cpp -----------------------------------------------------

/// A producer joined: active if its group has none, else standby.
void on_producer_joined(manager_ptr self, const member_info& info, const caf::actor& hdl);
/// A producer was lost or left: if it was active, a standby takes over
/// after the grace.
void on_producer_lost(manager_ptr self, const member_info& who, const char* why);
void on_producer_grace_expired(manager_ptr self, const std::string& node, uint64_t gen);

// -- manager_queries.cpp -------------------------------------------------------

caf::result<job_info> query_job(manager_ptr self, job_id id);
/// Jobs by id ascending: `limit` of them after skipping `offset`.
job_page query_jobs(manager_ptr self, uint64_t offset, uint32_t limit);
/// Consumers and producers as the manager sees them (no heartbeat times:
/// the registry has those).
std::vector<node_info> query_members(manager_ptr self);
metrics_snapshot query_metrics(manager_ptr self);

// -- manager_control.cpp -------------------------------------------------------

/// The attempt leased as `lease` ran past its timeout_ms: abort it at the
/// consumer; TIMED_OUT, or a retry if attempts remain.
void on_timeout(manager_ptr self, task_id id, uint64_t lease);
/// Cancels one task: PENDING never starts, ASSIGNED/RUNNING are aborted at
/// their consumer. ec::unknown_task, or bad_transition if already finished.
caf::expected<uint64_t> cancel_task(manager_ptr self, task_id id);
/// Cancels every unfinished task of a job; returns how many.
caf::expected<uint64_t> cancel_job(manager_ptr self, job_id id);
// -- manager_rules.cpp ---------------------------------------------------------

/// What GET /v1/rules and `drover rules get` show about the set in force.
rules_info describe_rules(const manager_state& st);
/// Swaps the rule set in force for `next` (already validated) between two
/// dispatch rounds: tasks already assigned stay where they are.
rules_info swap_rules(manager_ptr self, std::shared_ptr<const rule_set> next);
job_progress progress_of(const job_entry& j);
/// Sends the queued changes to the store actor.
void flush_changes(manager_ptr self);

} // namespace drover
