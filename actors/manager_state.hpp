// The manager's state and the functions that change it (manager_logic.cpp).
// The behavior in manager.cpp only routes messages to these functions. The
// state is made of parts that own their invariants (manager/: the task
// table, queues, held tasks, consumer pool, producer groups, admission); readers outside the manager use its
// snapshot (core/manager_snapshot.hpp), not this state.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "actors/actor_names.hpp"
#include "actors/manager.hpp"
#include "actors/protocol.hpp"
#include "core/grace.hpp"
#include "core/manager_snapshot.hpp"
#include "core/node_board.hpp"
#include "core/task_state.hpp"
#include "core/worker_types.hpp"
#include "manager/admission.hpp"
#include "manager/consumer_pool.hpp"
#include "manager/held_tasks.hpp"
#include "manager/producer_groups.hpp"
#include "manager/task_queues.hpp"
#include "manager/task_table.hpp"
#include "manager/watch.hpp"
#include "rules/assign.hpp"

namespace drover {

/// A submit-and-wait request's answer: the job's progress once it is done.
using job_waiter = caf::typed_response_promise<job_progress>;

/// How the manager reaches a consumer: its process, the assignments
/// collected for it in this dispatch round, and the answers to its ACKs
/// that are stored and wait to go out with its next assignments (or at the
/// confirm timer, whichever comes first).
struct consumer_link {
  caf::actor handle;
  std::vector<assignment> outbox;
  std::vector<caf::response_promise> confirms;
};

/// An ACK to answer once the store confirms the changes it caused.
struct pending_confirm {
  std::string node;
  caf::response_promise rp;
};

struct manager_state {
  manager_options opts;
  task_table table;                          ///< live tasks, jobs, lists, counts per state
  std::unordered_map<job_id, std::vector<caf::actor>> watchers; ///< told job_done, by job
  /// Submit-and-wait requests, answered with the job's progress once it is done.
  std::unordered_map<job_id, std::vector<job_waiter>> done_waiters;
  task_queues queues;                        ///< queued (bounded, standby), parked, retries due
  held_tasks held;                           ///< merges and dedupe followers, out of the queues
  admission admissions;                      ///< room reserved for lists on their way to the store
  consumer_pool consumers;                   ///< members, credit, grace, modes, candidates
  std::map<std::string, consumer_link> links; ///< by node, of the joined consumers
  std::vector<consumer_link*> filled_links;  ///< dispatch: links given work this pass
  assigner chooser;                          ///< rules/: who gets each task
  caf::actor rules_keeper;                   ///< parses new rule sets, watches the file
  int64_t rules_since_ms = 0;                ///< when the set in force was swapped in
  producer_groups producers;                 ///< active and standby per group
  std::map<std::string, caf::actor> producer_handles; ///< by node, of the members
  bool holding = false;                      ///< after a restart: no assignments until the grace passed
  /// During that hold: the consumers known from the store that have not
  /// reported their leases yet; once all have, the hold ends early.
  std::unordered_set<std::string> unreported;
  uint64_t lease_floor = 0;                  ///< every lease this manager gives is above it (epoch)
  std::vector<task_change> changes;          ///< to the store after each message
  std::vector<pending_confirm> sync_waiting; ///< ACKs to answer once the store confirms
  bool sync_in_flight = false;               ///< a sync to the store awaits its answer
  /// Consumers whose links hold answers to stored ACKs: the confirm timer
  /// runs while any does, and sends only theirs.
  std::unordered_set<std::string> confirming;
  manager_stats stats;
  latency_histogram ack_latency;             ///< assignment -> ACK applied
  std::deque<alert_info> alerts;             ///< supervisors' alerts, oldest first
  static constexpr size_t max_alerts = 100;
  // -- node status, commands, sleep/wake (manager_nodes.cpp) --
  node_board nodes;
  int64_t idle_since_ms = -1;                ///< cluster idle since (unix ms); -1: busy
  uint64_t policy_sleeps = 0, policy_wakes = 0;
  // -- members, events, time series for operators (manager_watch.cpp) --
  manager_watch watch;
  static inline const char* name = actor_names::manager;
};

using manager_ptr = caf::stateful_actor<manager_state>*;

// -- manager_logic.cpp ---------------------------------------------------------

/// Unix milliseconds now, on the actor clock (virtual in tests).
int64_t now_ms(manager_ptr self);
/// Fills the tables from what the store kept; leased tasks stay with their
/// consumers, in doubt until they report. Returns what it found.
recovery_counts recover(manager_ptr self, recovered_state& rs);
/// Stores a list (once per origin+seq) and answers the producer when durable.
/// With a `waiter` (submit and wait: one request, one answer) the sender
/// is answered by it instead, with the job's progress once the job is done,
/// or with the error that refused or lost the list.
caf::result<list_ack> submit(manager_ptr self, task_list& list, job_waiter* waiter = nullptr);
/// `watcher` gets job_done once `j` is done: now if it is already.
void add_watcher(manager_ptr self, job_record& j, caf::actor watcher);
/// Hands pending tasks to consumers with free credit, in batches.
void dispatch(manager_ptr self);
/// Puts the tasks no member could take back in the queue, for another look
/// after membership or the rules changed.
void requeue_unassignable(manager_state& st);
/// Why the job's pending tasks wait, if no live member can take them: the
/// parked groups, plus the job's other pending tasks while no consumer at
/// all is registered (dispatch then does not look at them).
std::vector<waiting_group> waiting_of(const manager_state& st, const job_record& j);
/// The number of those tasks (the sum of waiting_of's groups, built cheaply).
uint64_t unassignable_of(const manager_state& st, const job_record& j);
void on_reports(manager_ptr self, const std::string& node,
                std::vector<task_report>& reports);
void on_started(manager_ptr self, const std::string& node,
                const std::vector<lease_ref>& refs);
void on_joined(manager_ptr self, const member_info& info, const caf::actor& hdl);
/// A member went down or left: its work moves after the grace.
void on_lost(manager_ptr self, const member_info& who, const char* why);
void on_grace_expired(manager_ptr self, const std::string& node, uint64_t gen);
/// A consumer is draining (SIGTERM): it gets no new tasks.
void on_drain(manager_ptr self, const std::string& node);
/// A draining consumer hands back attempts it will not finish: PENDING at
/// once with a new version (no grace), at the head of their queue.
/// `node` gives `refs` back (draining, lost, a lease expired): `why` goes
/// into each task's history.
void on_handback(manager_ptr self, const std::string& node, const std::vector<lease_ref>& refs,
                 const std::string& why);
void on_retry_due(manager_ptr self, task_id id, uint64_t version);
/// Tells the watchers once every task of a sealed job is terminal.
void check_done(manager_ptr self, job_record& j);
/// After a task's attempt ended with `effect` (it was in state `from`):
/// counts, persists, schedules the retry, or forgets the finished task.
void settle(manager_ptr self, task_edit& t, ack_effect effect, int64_t now);

// -- manager_leases.cpp (members outlive the manager) ---------------------------

/// `t` leaves its consumer: PENDING again with a new version, at the head
/// of its queue, with a "reassigned" event saying `detail`.
void take_back(manager_ptr self, task_edit& t, const std::string& detail, int64_t now);
/// Recovery: `t` (ASSIGNED/RUNNING in the store) stays leased to its
/// consumer, which may come back and report it; in doubt until then.
void recover_lease(manager_ptr self, const task& t, int64_t now);
/// After recovery: grace timers for the consumers known from the store, and
/// no assignments for a grace so that surviving consumers report first.
void start_restart_grace(manager_ptr self, bool had_unfinished);
/// The hold after a restart is over: assign again.
void end_restart_hold(manager_ptr self);
/// Consumer `node` holds `refs`: its leases in doubt that it reports are
/// kept, the others go back to PENDING; during the restart hold, a PENDING
/// task it holds under a newer lease is taken back on (adopt_lease).
void on_lease_report(manager_ptr self, const std::string& node,
                     const std::vector<lease_ref>& refs);
/// `c` was lost: every task leased to it is in doubt until it reports.
void mark_in_doubt(manager_state& st, consumer_member& c);
/// Takes back the tasks in `c.in_doubt` (not reported in time).
void reclaim_in_doubt(manager_ptr self, consumer_member& c, const char* why);
/// Answers consumer `node`'s ACK once the changes it caused are committed
/// (an ACK sent without request is not answered): with the next
/// assignments to `node`, or within confirm_within.
caf::response_promise when_stored(manager_ptr self, const std::string& node);
/// Sends `l` the answers to its stored ACKs.
void send_confirms(consumer_link& l);
/// Sends every consumer that holds any the answers to its stored ACKs (the
/// confirm timer, and a stopping manager).
void send_all_confirms(manager_ptr self);

// -- manager_workers.cpp (remote HTTP workers) --------------------------------

/// Applies HTTP workers' completions like consumers' ACKs and answers one
/// worker_verdict per report (as uint8_t) once the changes are stored.
caf::response_promise on_worker_reports(manager_ptr self, std::vector<task_report>& reports);

// -- manager_runs.cpp (a job run's push: seal, cancel, who pushes it) --------

/// "complete" (sealed), "pushing" (its producer is the live active one of
/// the group) or "incomplete" (its producer vanished with no successor yet).
std::string push_state_of(const manager_state& st, const job_record& j);
/// Writes the job's row (seal, cancel); a failure is logged.
void persist_job(manager_ptr self, const job_record& j);
/// POST /v1/jobs/{id}/seal: the job takes no more lists and is done once
/// the tasks it has end; answered once that is stored. ec::unknown_job.
caf::result<job_info> seal_job(manager_ptr self, job_id id);

// -- manager_producers.cpp -----------------------------------------------------

/// A producer joined: active if its group has none, else standby.
void on_producer_joined(manager_ptr self, const member_info& info, const caf::actor& hdl);
/// A producer was lost or left: if it was active, a standby takes over
/// after the grace.
void on_producer_lost(manager_ptr self, const member_info& who, const char* why);
void on_producer_grace_expired(manager_ptr self, const std::string& node, uint64_t gen);
/// What the manager has of job `j`: its stored lists and whether it is sealed.
job_resume resume_of(const manager_state& st, const job_record& j);
/// The run whose identity is `origin`; job 0 if there is none yet.
job_resume lookup_run(const manager_state& st, const std::string& origin);

// -- manager_queries.cpp -------------------------------------------------------

caf::result<job_info> query_job(manager_ptr self, job_id id);
/// GET /v1/jobs/{id}'s view of `j`.
job_info describe_job(const manager_state& st, const job_record& j);
/// Jobs by id ascending: `limit` of them after skipping `offset`.
job_page query_jobs(manager_ptr self, uint64_t offset, uint32_t limit);
/// Consumers and producers as the manager sees them (no heartbeat times:
/// the registry has those).
std::vector<node_info> query_members(manager_ptr self);
metrics_snapshot query_metrics(manager_ptr self);

// -- manager_snapshot.cpp ------------------------------------------------------

/// The manager's one consistent look at itself (core/manager_snapshot.hpp);
/// live tasks only `with_tasks`. at_ms is left 0: the caller has the clock.
manager_snapshot snapshot_of(const manager_state& st, bool with_tasks = false);
/// The snapshot's counters alone (the stats query).
manager_stats stats_of(const manager_state& st);
/// One job of the snapshot; REST's job answers start from it too.
job_view job_view_of(const manager_state& st, const job_record& j);

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
job_progress progress_of(const manager_state& st, const job_record& j);
/// The figures job_progress and job_info (GET /v1/jobs) share.
template <class Report>
void fill_job_figures(const manager_state& st, const job_record& j, Report& out) {
  out.name = j.meta.name;
  out.total = j.meta.total;
  out.sealed = j.meta.sealed;
  out.by_state = j.by_state;
  out.unassignable = unassignable_of(st, j);
  out.created_ms = j.meta.created_ms;
  out.finished_ms = j.finished_ms;
}
/// Sends the queued changes to the store actor.
void flush_changes(manager_ptr self);

// -- manager_nodes.cpp ---------------------------------------------------------

/// A node's status report is stored; the answer is the commands it is to run.
std::vector<node_command> on_node_status(manager_ptr self, node_status& s);
/// Queues command `kind` for consumer `node` and applies its effect on
/// assignment (drain/sleep stop new work, wake resumes it). ec::unknown_member
/// for a node the manager does not know, ec::bad_input for an unknown
/// command or a node that takes none.
caf::result<node_command> post_command(manager_ptr self, const std::string& node,
                                       const std::string& kind);
caf::result<std::vector<node_command>> list_commands(manager_ptr self, const std::string& node);
caf::result<std::vector<node_status>> status_history(manager_ptr self, const std::string& node,
                                                     int64_t since_ms);
/// Starts the sleep/wake policy timer if opts.idle.idle_after_ms > 0.
void start_node_policy(manager_ptr self);
/// One look of the policy: sleep surplus consumers or wake sleeping ones.
void on_policy_tick(manager_ptr self);
/// Adds modes and latest status reports to GET /v1/nodes' members.
void add_node_views(const manager_state& st, std::vector<node_info>& out);
/// Adds the consumers with their modes and latest reports to a metrics
/// snapshot (the counts come from the manager's snapshot).
void add_node_metrics(manager_ptr self, metrics_snapshot& m);
// -- manager_admit.cpp (backpressure: bounded queues) ----------------------------

/// Refuses a list that does not fit the queues plus standby (ec::overloaded,
/// saying how full they are); else reserves room for it in `need`.
caf::error admit(manager_state& st, const task_list& list, prio_counts& need);

// -- manager_dedupe.cpp / manager_merge.cpp ---------------------------------------

/// Queues a new or recovered task, unless it is a merge (held) or a
/// follower of a running task with the same dedupe_key.
void enqueue_new(manager_state& st, const task& t);
/// `leader` ended for good: its followers end the same way.
void dedupe_settled(manager_ptr self, const task& leader, int64_t now);
/// `t` was cancelled: a leader hands over to its oldest follower.
void dedupe_dropped(manager_state& st, const task& t);
/// Queues the job's held merge once every part succeeded, or cancels it if
/// one did not. Called from check_done.
void merge_check(manager_ptr self, job_record& j);

} // namespace drover
