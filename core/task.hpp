// The task model of DESIGN.md §3: what a producer asks for (task_spec), what
// the manager tracks (task), and the job a task belongs to. Plain data, no
// CAF: actors/protocol.hpp adds the inspect() functions that let these types
// cross the middleman.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/compact_string.hpp"
#include "core/errors.hpp"

namespace drover {

using task_id = uint64_t; ///< internal key; strings only at the edges
using job_id = uint64_t;

/// States go in levels and only move forward within an attempt:
/// PENDING(0) -> ASSIGNED(1) -> RUNNING(2) -> a terminal state (3).
enum class task_state : uint8_t {
  pending = 0,
  assigned = 1,
  running = 2,
  succeeded = 3,
  failed = 4,
  cancelled = 5,
  timed_out = 6,
};
constexpr int task_state_count = 7;

/// The level of a state: 0 pending, 1 assigned, 2 running, 3 terminal.
constexpr int level(task_state s) {
  return s >= task_state::succeeded ? 3 : static_cast<int>(s);
}
constexpr bool is_terminal(task_state s) { return level(s) == 3; }

/// Upper-case name as in DESIGN.md, e.g. "SUCCEEDED".
const char* to_string(task_state s);
/// Parses a name in either case; ec::bad_input naming the states if it is none.
[[nodiscard]] result<task_state> parse_task_state(std::string_view name);

enum class priority : uint8_t { high = 0, normal = 1, low = 2 };
constexpr int priority_count = 3;
const char* to_string(priority p);
/// Accepts high|normal|low in either case; ec::bad_input otherwise.
[[nodiscard]] result<priority> parse_priority(std::string_view name);

/// What a producer (or REST client) asks to run. The text fields are
/// compact_string (8 bytes, read like a const std::string): the manager keeps
/// one task per queued task, so their size is the manager's memory (W5).
struct task_spec {
  compact_string type;             ///< handler name, e.g. "noop"
  compact_string payload;
  priority prio = priority::normal;
  compact_string key;              ///< routing key for the hash strategy
  std::vector<std::string> tags;   ///< tags a consumer must have
  compact_string dedupe_key;
  uint32_t timeout_ms = 0;         ///< 0: no timeout
  uint32_t max_attempts = 1;
};

/// A task as the manager and the store see it.
struct task {
  task_id id = 0;
  job_id job = 0;
  task_spec spec;
  task_state state = task_state::pending;
  uint32_t attempt = 1;        ///< 1-based (next to state: no padding)
  uint64_t version = 0;        ///< +1 on every transition
  uint64_t lease_version = 0;  ///< version at assignment; ACKs must name it
  compact_string consumer;     ///< node name of the assignee, empty if none
  compact_string result;
  int64_t created_ms = 0;      ///< unix milliseconds; 0 = not yet
  int64_t assigned_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

/// A job groups the tasks of one submission.
struct job {
  job_id id = 0;
  std::string name;
  std::string group;     ///< producer group, may be empty
  std::string origin;    ///< the run's identity: idempotency key (core/job_identity.hpp)
  uint64_t total = 0;    ///< tasks stored so far
  bool sealed = false;   ///< its last list arrived (or it was sealed): total is final
  int64_t created_ms = 0;
  std::string producer;  ///< node that stored its latest list; empty for REST
  int64_t pushed_ms = 0; ///< when its latest list was stored (unix ms)
  bool cancelled = false; ///< later lists are refused
};

/// How a consumer reports a finished attempt.
enum class task_outcome : uint8_t { succeeded = 0, failed = 1, timed_out = 2 };

/// A consumer's report of one finished attempt. A failed attempt's `result`
/// says why in words ("exit code 3", "ValueError: bad path").
struct task_report {
  task_id id = 0;
  uint64_t lease = 0;
  task_outcome outcome = task_outcome::succeeded;
  std::string result;
  uint32_t run_us = 0;     ///< how long the handler ran (for `fastest`)
  bool retryable = true;   ///< false: the task fails now, whatever attempts remain
  std::string log;         ///< stderr tail / worker log of the attempt, kept in its history
};

/// One lease a consumer holds: the attempt of task `id` leased as `lease`
/// (a note that it started, or part of the leases it re-reports).
struct lease_ref {
  task_id id = 0;
  uint64_t lease = 0;
};

/// External task id `<node>_<unix-ms>_<id>` (DESIGN.md §3): the last part is
/// the internal id, so the string maps back without a lookup table.
std::string format_task_id(std::string_view node, int64_t created_ms, task_id id);
/// Accepts a plain number or the external form; ec::bad_input if neither.
[[nodiscard]] result<task_id> parse_task_id(std::string_view text);

} // namespace drover
