// What remote workers over HTTP send and get (POST /v1/workers/poll, a
// task's heartbeat/complete/fail): plain data shared by http/ (JSON), the
// worker desk (core/worker_desk.hpp) and the worker hub actor. No CAF here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/task.hpp"

namespace drover {

/// Bounds of a poll's fields; the JSON parser refuses anything outside.
struct worker_limits {
  static constexpr uint32_t max_batch = 1000;       ///< tasks per poll
  static constexpr uint32_t max_wait_ms = 60'000;   ///< longest a poll is held
  static constexpr uint32_t max_capacity = 10'000;  ///< tasks leased at once
  static constexpr uint32_t min_lease_ms = 1'000;
  static constexpr uint32_t max_lease_ms = 3'600'000;
  static constexpr uint32_t default_lease_ms = 30'000;
  static constexpr std::size_t max_results = 10'000; ///< items of one batch completion
};

/// POST /v1/workers/poll: worker `worker` takes up to `max` tasks of
/// `types`, waiting up to `wait_ms` for them.
struct worker_poll {
  std::string worker;              ///< its node name, stable across its polls
  std::vector<std::string> types;  ///< sorted, unique, at least one
  std::vector<std::string> tags;   ///< what it offers to the rules (sorted)
  uint32_t max = 1;
  uint32_t wait_ms = 0;
  /// Tasks the manager leases to it at once (handed out or waiting for its
  /// next poll); 0: as at its last poll, or at its first twice `max`, so
  /// the next batch is ready while it works.
  uint32_t capacity = 0;
  /// Without any request of this worker for that long, its leases expire:
  /// it is lost, and after the manager's grace its tasks move.
  uint32_t lease_ms = worker_limits::default_lease_ms;
};

/// One task handed to a worker; `lease` is the fencing token its
/// heartbeat, complete and fail must name.
struct worker_task {
  task_id id = 0;
  uint64_t lease = 0;
  uint32_t attempt = 1;
  std::string type;
  std::string payload;
  int64_t lease_expires_ms = 0;  ///< unix ms, unless renewed by a request of the worker
  uint32_t heartbeat_ms = 0;     ///< how often to heartbeat a task that runs long
};

/// The answer to a heartbeat.
struct worker_beat {
  int64_t lease_expires_ms = 0;
  bool cancel_requested = false; ///< cancelled or timed out: stop, its completion gets 409
};

/// One completion (POST /v1/tasks/{id}/complete or /fail, or an item of
/// the batch form).
struct worker_result {
  task_id id = 0;
  uint64_t lease = 0;
  bool ok = true;                ///< complete; false: fail
  std::string result;            ///< complete: the result; fail: "type: message"
  bool retryable = true;         ///< fail: false ends the task now
};

/// Per completion: applied, or why not.
enum class worker_verdict : uint8_t {
  applied,   ///< 200
  stale,     ///< 409: the lease is not the task's current one; nothing changed
};

/// A worker as GET /v1/workers shows it.
struct worker_view {
  std::string worker;
  std::vector<std::string> types;
  std::vector<std::string> tags;
  uint32_t capacity = 0;
  uint32_t lease_ms = 0;
  uint64_t held = 0;             ///< handed out, not yet completed
  uint64_t queued = 0;           ///< leased by the manager, waiting for a poll
  uint64_t parked = 0;           ///< polls waiting now
  int64_t last_poll_ms = 0;      ///< unix ms; 0: never
  int64_t last_heartbeat_ms = 0; ///< unix ms of its last task heartbeat; 0: never
  bool lost = false;             ///< silent past its lease: its grace runs
};

} // namespace drover
