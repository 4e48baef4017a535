// A replay scenario (DESIGN.md §10, scenarios/README.md): the cluster to
// build, the timeline to play and the expectations to check. Plain data with
// no CAF, so the parser (scenario_parse.cpp) stays cheap to compile and test;
// replay/engine.cpp turns it into actors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/queue_bounds.hpp"
#include "config/options.hpp" // default_task()
#include "core/task.hpp"

namespace drover::replay {

/// A consumer of the scenario's cluster.
struct consumer_def {
  std::string name;
  std::vector<std::string> tags;
  uint32_t capacity = 4;
  bool start = true;           ///< false: started later by a `restart` entry
  std::string prefetch = "auto"; ///< its --prefetch: auto or a number
};

/// A job: submitted by the timeline, or run by a producer.
struct job_def {
  std::string name = "job";
  uint64_t tasks = 0;
  task_spec spec = default_task(); ///< every task (type, payload, priority, ..., dedupe_key)
  uint32_t list_size = 8192;   ///< tasks per pushed list
  // -- split and merge (replay/job_extras.cpp) --
  std::vector<std::string> parts; ///< split: one task per payload (tasks = parts + merge)
  bool merge = false;             ///< a merge task ends the job
  std::string merge_type = "echo";
  std::string merge_payload;
};

struct producer_def {
  std::string name;
  std::string group = "default";
  std::optional<job_def> job;  ///< none: it only registers (a standby)
  bool start = true;
};

struct cluster_def {
  std::vector<consumer_def> consumers;
  std::vector<producer_def> producers;
  uint32_t grace_ms = 1000;
  uint32_t heartbeat_ms = 0;        ///< 0: no heartbeats (losses come from CAF monitors)
  uint32_t heartbeat_misses = 3;
  uint32_t max_restarts = 5;
  uint32_t restart_window_ms = 10000;
  uint32_t default_timeout_ms = 0;
  // multi-user data: users created at the start, in order (u1, u2, ...)
  std::vector<std::string> users;
  uint32_t user_queue = 1000;       ///< items per user queue on each node
  // node status and sleep/wake: 0 = off, as before
  uint32_t status_every_ms = 0;     ///< consumers' status reports
  uint32_t idle_after_ms = 0;       ///< the manager's idle policy
  uint32_t min_awake = 1;
  uint32_t wake_backlog = 64;
  queue_limits queues;              ///< the manager's bounds
  std::string store = "memory";     ///< the manager's store spec (simulate --store)
};

// Same order as action_keys in scenario_timeline.cpp (the kind is its index).
enum class action_kind {
  submit, kill, crash, restart, partition, heal, deregister, swap_rules, cancel, slow,
  advance,
  send_data, recv_data,             ///< multi-user data
  command,                          ///< node commands
  // schedules: replay/scenario_schedules.cpp
  schedule, schedule_stop, schedule_start, schedule_change,
};
const char* to_string(action_kind k);

/// One timeline entry. `at_ms` is absolute (an `advance` entry's is the
/// previous entry's time plus its amount).
struct action {
  uint32_t line = 0;              ///< 1-based line in the scenario, for the trace
  int64_t at_ms = 0;
  action_kind kind = action_kind::advance;
  std::string member;             ///< kill, crash, restart, partition, heal, deregister, slow
  job_def job;                    ///< submit
  std::string rules_path;         ///< swap_rules: resolved against the scenario's folder
  std::string cancel_job;         ///< cancel: job name, or empty
  uint64_t cancel_task = 0;       ///< cancel: internal task id, or 0
  uint32_t slow_ms = 0;           ///< slow: added to every handler's run time
  std::string from, to;           ///< send_data: user names; recv_data: `to` reads
  uint64_t count = 1;             ///< send_data: items
  std::string level = "normal";   ///< send_data
  std::string command;            ///< command: drain, sleep, wake, ... (to `member`)
  // schedule: `name` (all four), `every` or `cron`, `catch_up`, and `job`
  std::string schedule_name;
  std::string every, cron, catch_up = "one";
};

enum class expect_kind {
  all_tasks,        ///< every task (of `job`, or all) is in `state`
  tasks_in_state,   ///< `count` tasks (of `job`) are in `state`
  completed_twice,  ///< completions recorded more than once == value
  reassigned_from,  ///< tasks taken back from `member` (count / within / after)
  active_producer,  ///< the active producer of `group` is `member` (at `at_ms`)
  counter,          ///< a named counter (at `at_ms`) compared with min/max
  ran_on,           ///< every task of `job` ran on one of `members`
  data_received,    ///< user `member` got every item once, in order per sender
  user_on,          ///< user `member` is bound to node `members[0]` at the end
  lifecycle,        ///< items `member` consumed whose history has a `members[0]` record
  tasks_on,         ///< how many tasks (of `job`) last ran on `member` (min/max)
};

struct expectation {
  uint32_t line = 0;
  uint32_t column = 0;
  expect_kind kind = expect_kind::counter;
  std::string text;               ///< the entry as written, for the report
  std::string state;              ///< all_tasks, tasks_in_state (upper case)
  std::string job;                ///< empty: every job
  std::string member;             ///< reassigned_from, active_producer
  std::string group = "default";  ///< active_producer
  std::vector<std::string> members; ///< ran_on
  std::string counter;            ///< counter name
  std::optional<uint64_t> min, max;
  std::optional<int64_t> within_ms, after_ms; ///< reassigned_from
  std::optional<int64_t> at_ms;   ///< probe time; none: at the end
};

struct scenario {
  std::string path;               ///< as given, for messages
  std::string name;
  std::string description;
  uint64_t seed = 42;
  cluster_def cluster;
  std::string rules_path;         ///< resolved; empty: the default rules
  int64_t until_ms = 60000;       ///< hard stop on the virtual clock
  std::vector<action> timeline;   ///< in time order
  std::vector<expectation> expect;
};

/// Every task of a job in order: `tasks` copies of its spec, or one per
/// split part, then the merge task if any (replay/job_extras.cpp).
std::vector<task_spec> specs_of(const job_def& j);
/// Lines naming the keys (queues, dedupe_key, split, merge) that
/// --processes does not pass on yet; empty if none are used.
std::string extras_unsupported_in_processes(const scenario& s);
/// Does the job need specs_of (split, merge) rather than copies of one spec?
bool has_parts(const job_def& j);

/// Counter names an expectation may use, comma-separated (for messages).
const char* counter_names();
bool is_counter_name(const std::string& name);

/// Parses scenario YAML. On failure returns ec::bad_input whose message has
/// one line per problem, each "source:line:column: what is wrong", all at
/// once. Relative file names in it are resolved against `base_dir`.
/// Never throws.
result<scenario> parse_scenario(const std::string& yaml_text, const std::string& source,
                                const std::string& base_dir);

/// Reads `path` and parses it (files named in it are relative to its folder).
result<scenario> load_scenario(const std::string& path);

} // namespace drover::replay
