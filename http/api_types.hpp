// Plain data the HTTP layer exchanges with its backend (http/backend.hpp):
// requests after JSON validation, answers before JSON encoding. Built from
// core/ types, with no CAF and no JSON, so app/ fills them from manager
// replies and the tests from an in-memory fake.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "core/membership.hpp"
#include "core/node_status.hpp"
#include "core/task.hpp"
#include "rules/waiting.hpp"
#include "store/task_store.hpp"

namespace drover {

// Every backend call returns a drover::result<T> (core/errors.hpp).

// -- jobs ----------------------------------------------------------------------

/// POST /v1/jobs after validation (http/job_json.hpp).
struct job_request {
  std::string name;
  std::string group;              ///< producer group; empty: the default
  std::string origin;             ///< idempotency key; empty: backend picks one
  std::vector<task_spec> tasks;   ///< never empty
};

/// An Idempotency-Key header and the body's key must agree and be a valid
/// key (core/job_identity.hpp): the one to use ("" for none), or
/// ec::bad_input saying what to fix.
result<std::string> idempotency_key(const std::string& header, const std::string& body);

/// The answer to a submission, given only once every task is durable.
struct job_created {
  job_id job = 0;
  std::vector<std::string> task_ids; ///< external ids, in request order
  bool existing = false;             ///< the key was known: this is the job stored before
};

/// Progress of one job (GET /v1/jobs/{id}).
struct job_info {
  job_id id = 0;
  std::string name;
  std::string group;
  uint64_t total = 0;
  bool sealed = false;            ///< the last list arrived: total is final
  std::array<uint64_t, task_state_count> by_state{};
  uint64_t unassignable = 0;      ///< pending tasks no member can take (the sum of `waiting`)
  std::vector<waiting_group> waiting; ///< why they wait, largest group first
  int64_t created_ms = 0;         ///< unix ms; 0 = unknown / not yet
  int64_t started_ms = 0;         ///< first task assigned
  int64_t finished_ms = 0;        ///< last task reached a terminal state
  // -- a split job's merge step, apart from its parts --
  task_id merge_task = 0;         ///< 0: the job has no merge (or it ended before a restart)
  std::string merge_state;        ///< WAITING (for its parts), a task state, or ENDED
  // -- a run's identity and push (actors/manager_runs.cpp) --
  std::string origin;             ///< the run's identity (idempotency key)
  std::string producer;           ///< node that stored its latest list; empty for REST
  int64_t pushed_ms = 0;          ///< when its latest list was stored
  std::string push;               ///< complete | pushing | incomplete
  bool cancelled = false;
  double recent_rate = -1;        ///< tasks/s over the last 30 s; -1: not known (yet)
};

/// Tasks of `j` in a terminal state.
uint64_t finished_tasks(const job_info& j);
/// True once the job is sealed and every task is terminal.
bool is_finished(const job_info& j);
/// True if the job finished and every task SUCCEEDED.
bool all_succeeded(const job_info& j);
/// Finished tasks per second from start (or creation) to finish (or
/// `now_ms` while running); 0 when no time has passed yet.
double job_rate(const job_info& j, int64_t now_ms);

/// One page of GET /v1/jobs, ordered by job id ascending.
struct job_page {
  std::vector<job_info> jobs;
  uint64_t total = 0;             ///< jobs known in all, for paging
};

// -- tasks ---------------------------------------------------------------------

/// GET /v1/tasks/{id}: the task row and its rare lifecycle events (the
/// common path, created/assigned/started/finished, is in the row's times).
struct task_info {
  std::string id;                 ///< external id, e.g. "m1_1712000000000_42"
  task t;
  std::vector<task_event> events; ///< oldest first
};

/// GET /v1/jobs/{id}/tasks: one page of a job's tasks, by id.
struct job_tasks {
  task_query query;               ///< what was asked: job, state, offset, limit
  uint64_t total = 0;             ///< the job's tasks in that state (or all)
  std::vector<std::string> ids;   ///< external ids, one per task
  std::vector<task_summary> tasks;
};

struct task_cancelled {
  std::string id;
  task_state state = task_state::cancelled;
  uint64_t version = 0;           ///< the version after the cancel
};

struct job_cancelled {
  job_id job = 0;
  uint64_t cancelled = 0;         ///< tasks moved to CANCELLED by this call
};

// -- rules, nodes, health --------------------------------------------------------

/// The rule set in force (GET /v1/rules) or just swapped in (PUT /v1/rules).
struct rules_info {
  uint64_t version = 0;           ///< the file's `version:`
  std::string hash;               ///< hex FNV-1a-64 of the text
  std::string source;             ///< file name or "<rest>"
  std::string text;               ///< the YAML
  uint32_t rules = 0;             ///< how many rules besides the defaults
  int64_t since_ms = 0;           ///< unix ms when it was swapped in
};

/// Where a member stands, as the manager sees it (core/roster.hpp's presence).
enum class node_state : uint8_t {
  up,    ///< registered and heard from
  lost,  ///< down or silent: its work moves after the grace; listed until it is back or forgotten
  left,  ///< deregistered; listed until it is back or forgotten
};
const char* to_string(node_state s);

struct node_info {
  member_info member;             ///< node, role, tags, capacity, group, address
  node_state state = node_state::up;
  uint64_t inflight = 0;          ///< tasks leased to it now (its load)
  int64_t last_heartbeat_ms = 0;  ///< unix ms; 0 = never
  bool active = false;            ///< a producer that is its group's active one
  // -- node status and sleep/wake --
  node_mode mode = node_mode::awake; ///< consumers: whether the manager gives it work
  bool has_status = false;        ///< a status report arrived
  node_status status{};           ///< the latest one (at_ms: manager clock, unix ms)
  // -- where it stands and why (core/roster.hpp) --
  int64_t since_ms = 0;           ///< unix ms it entered `state`; 0 = unknown
  std::string reason;             ///< why it is in `state`, e.g. "missed 3 heartbeats (500 ms each)"
  int64_t mode_since_ms = 0;      ///< unix ms `mode` was set
  std::string mode_reason;        ///< e.g. "drain command"
  uint64_t executed = 0;          ///< attempts it ended, since the manager started
  uint64_t failed = 0;            ///< ... that failed or timed out
  bool released = false;          ///< no longer the manager's member: its grace ran out or it left
};

struct health_info {
  bool ready = true;              ///< false: e.g. still recovering the store
  std::string detail;
};

/// A supervisor somewhere gave up on a role (DESIGN.md §6).
struct alert_info {
  int64_t at_ms = 0;              ///< unix ms when the manager heard it
  std::string node;               ///< the process that raised it, or the member it is about
  std::string text;
  std::string kind = "supervisor"; ///< supervisor, member_lost, reassigned
};

// -- metrics -------------------------------------------------------------------

constexpr int member_role_count = 4; ///< producer, consumer, manager, worker

/// Latency counts per bucket, Prometheus style. Buckets are fixed so every
/// scrape of every manager can be summed; counts are per bucket here and
/// made cumulative when written out.
struct latency_histogram {
  /// Upper bounds in seconds, ascending; one more bucket (+Inf) follows.
  static constexpr std::array<double, 12> bounds{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};
  std::array<uint64_t, bounds.size() + 1> counts{};
  double sum = 0;                 ///< seconds
  uint64_t count = 0;

  /// Adds one observation of `seconds` (negative ones count as 0).
  void observe(double seconds);
};

/// Everything GET /metrics reports, read from the manager in one call.
struct metrics_snapshot {
  std::array<uint64_t, task_state_count> tasks_by_state{};
  std::array<uint64_t, priority_count> queue_depth{}; ///< pending per priority
  uint64_t retry_queue = 0;       ///< failed attempts waiting out the backoff
  uint64_t assignments = 0;       ///< counters since the manager started
  uint64_t acks = 0;
  uint64_t stale_rejected = 0;    ///< updates that named an old version
  uint64_t retries = 0;
  uint64_t reassignments = 0;
  uint64_t timeouts = 0;          ///< attempts that ran past their timeout_ms
  uint64_t cancelled = 0;
  uint64_t alerts = 0;            ///< supervisors that gave up on a role
  latency_histogram ack_latency;  ///< assignment sent -> ACK applied
  std::array<uint64_t, member_role_count> members_by_role{}; ///< by member_role
  // -- node status and commands --
  std::vector<node_info> nodes;   ///< consumers with their mode and latest report
  std::array<uint64_t, command_state_count> commands{}; ///< node commands by state
  uint64_t status_reports = 0;    ///< status reports received
  uint64_t policy_sleeps = 0;     ///< consumers the idle policy put to sleep
  uint64_t policy_wakes = 0;      ///< ... and woke
  // -- bounded queues, dedupe, merge --
  std::array<uint64_t, priority_count> queue_capacity{};
  std::array<uint64_t, priority_count> standby_depth{}; ///< overflow waiting per priority
  uint64_t standby_capacity = 0;
  std::array<uint64_t, priority_count> rejected{};      ///< tasks refused: queues full
  uint64_t rejected_lists = 0;
  uint64_t dedupe_followers = 0;  ///< tasks waiting on a leader with their dedupe_key
  uint64_t merges_waiting = 0;    ///< merge tasks held for their parts
  std::vector<waiting_group> waiting; ///< tasks no live member can take, by reason
};

} // namespace drover
