// What the remote-worker routes (http/routes_workers.cpp) need from the
// manager's process: one narrow interface of its own. app/worker_backend.cpp
// implements it with the worker hub actor; tests may fake it. http/ never
// sees CAF.
#pragma once

#include <functional>
#include <vector>

#include "core/errors.hpp"
#include "http/api_types.hpp" // result<T>
#include "core/worker_types.hpp"

namespace drover {

/// Calls run on the HTTP server's threads, several at once: an
/// implementation must be thread-safe and bound every wait.
class worker_backend {
public:
  virtual ~worker_backend() = default;

  /// Where a poll's tasks go: called once, from any thread, maybe before
  /// poll() returns; false if the client can no longer take them (they are
  /// then handed to the next poll).
  using poll_answer = std::function<bool(const std::vector<worker_task>&)>;
  /// Hands the poll over; `answer` gets the tasks (maybe none, after wait_ms).
  virtual void poll(worker_poll p, poll_answer answer) = 0;

  /// Extends the lease; ec::stale_version if no worker holds it now.
  virtual result<worker_beat> heartbeat(task_id id, uint64_t lease) = 0;

  /// Judges each completion by its lease (applied, or stale: nothing
  /// changed), once the applied ones are durable.
  virtual result<std::vector<worker_verdict>> complete(std::vector<worker_result> results) = 0;

  /// Every worker the hub knows now.
  virtual result<std::vector<worker_view>> workers() = 0;
};

} // namespace drover
