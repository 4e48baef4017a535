// What the manager shows of itself in one consistent look: tasks by state,
// jobs, consumers, producer groups, queues, rules and counters. Plain data
// (no CAF), so tests, replay, metrics and tools read the manager through
// this one query instead of reaching into its state. The manager answers
// snapshot_atom with it (actors/manager.cpp); virtual-time tests may also
// call snapshot_of() between runs (actors/manager_state.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/node_status.hpp"
#include "core/task.hpp"

namespace drover {

/// Manager counters since start, for tests, logs and the stats query.
struct manager_stats {
  uint64_t tasks = 0;
  uint64_t pending = 0;
  uint64_t assigned = 0;       ///< assignments made since start
  uint64_t acks = 0;
  uint64_t stale = 0;          ///< updates rejected for an old version
  uint64_t retries = 0;
  uint64_t reassigned = 0;
  uint64_t timeouts = 0;       ///< attempts that ran past their timeout_ms
  uint64_t cancelled = 0;
  uint64_t alerts = 0;         ///< supervisors that gave up on a role
  uint64_t consumers = 0;
  uint64_t producers = 0;
};

/// What a manager found in its store when it started.
struct recovery_counts {
  uint64_t jobs = 0;
  uint64_t unfinished = 0;       ///< tasks not finished
  uint64_t leased = 0;           ///< of those, ASSIGNED or RUNNING: kept for their consumers
};

/// One job as the manager holds it.
struct job_view {
  job_id id = 0;
  std::string name;
  std::string origin;            ///< the run's identity (producer's job key)
  std::string group;
  std::string producer;          ///< node that pushed its latest list
  int64_t pushed_ms = 0;         ///< when its latest list was stored
  uint64_t total = 0;
  bool sealed = false;
  bool cancelled = false;
  bool done = false;             ///< sealed and every task terminal
  std::array<uint64_t, task_state_count> by_state{};
  uint32_t lists = 0;            ///< task lists stored
  task_id merge_task = 0;        ///< its merge step, 0 if none
  bool merge_held = false;       ///< the merge waits for its parts
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

/// One consumer as the manager sees it.
struct consumer_view {
  std::string node;
  uint32_t capacity = 0;         ///< credit: tasks it may hold at once
  std::vector<std::string> tags;
  std::vector<std::string> types;
  uint32_t inflight = 0;         ///< tasks leased and not yet reported
  bool lost = false;             ///< down or deregistered, grace running
  node_mode mode = node_mode::awake;
  bool leaving = false;          ///< drained on SIGTERM
  bool recovered = false;        ///< known from the store only, its process not back yet
  uint64_t in_doubt = 0;         ///< leases its next report must confirm
  uint64_t incarnation = 0;      ///< differs when a new process took the name
  member_role role = member_role::consumer; ///< or worker: an HTTP worker
};

/// One producer; per group one is active.
struct producer_view {
  std::string node;
  std::string group;
  bool lost = false;
  bool active = false;
  uint64_t joined = 0;           ///< join order: the earliest standby is promoted
};

/// The bounded queues and what admission refused.
struct queue_view {
  std::array<uint64_t, priority_count> depth{};     ///< queued per priority
  std::array<uint64_t, priority_count> standby{};   ///< overflow kept per priority
  std::array<uint64_t, priority_count> capacity{};
  std::array<uint64_t, priority_count> reserved{};  ///< admitted, not yet stored
  std::array<uint64_t, priority_count> rejected{};  ///< tasks refused: queues full
  uint64_t pending = 0;          ///< queued over all priorities, standby included
  uint64_t standby_total = 0;
  uint64_t standby_capacity = 0;
  uint64_t rejected_lists = 0;
  uint64_t waiting = 0;          ///< parked: no live consumer can take them
  uint64_t retry_waiting = 0;    ///< retries waiting out their backoff
};

/// A live (unfinished) task; only in a snapshot asked for with tasks.
struct task_view {
  task_id id = 0;
  job_id job = 0;
  task_state state = task_state::pending;
  uint64_t version = 0;
  uint64_t lease_version = 0;
  uint32_t attempt = 0;
  std::string consumer;
};

struct manager_snapshot {
  int64_t at_ms = 0;             ///< unix ms on the manager's clock
  manager_stats stats;
  std::array<uint64_t, task_state_count> tasks_by_state{}; ///< over all jobs
  uint64_t open_tasks = 0;       ///< unfinished tasks held in memory
  task_id next_task = 1;         ///< every task id below it was given out
  uint64_t lists = 0;            ///< task lists stored, over all jobs
  std::map<job_id, job_view> jobs;
  std::map<std::string, consumer_view> consumers;
  std::map<std::string, producer_view> producers;
  std::map<std::string, std::string> active_producer; ///< group -> node
  queue_view queues;
  uint64_t merges_waiting = 0;
  uint64_t dedupe_followers = 0;
  bool holding = false;          ///< after a restart: no assignments until the grace passed
  uint64_t rules_version = 0;
  std::string rules_hash;
  std::string rules_source;
  uint64_t status_reports = 0;
  std::array<uint64_t, command_state_count> commands{}; ///< by command_state
  uint64_t policy_sleeps = 0;
  uint64_t policy_wakes = 0;
  std::vector<task_view> tasks;  ///< by id; filled only when asked for

  /// Sum of tasks_by_state[s].
  uint64_t count(task_state s) const { return tasks_by_state[static_cast<int>(s)]; }
};

} // namespace drover
