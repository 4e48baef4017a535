// Helpers for the executor tests: an I/O loop with an exec_runner or a
// worker_pool on it, outcomes collected with bounded waits, and a look at
// which processes of a process group are still alive.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exec/outcome.hpp"

namespace drover::testing {

/// Outcomes arriving from the loop thread.
struct outcome_box {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<exec_outcome> outs;
  std::vector<std::string> alerts;
  int types_changes = 0;

  void push(exec_outcome o);
  /// Waits up to `limit` until `n` outcomes arrived; false if they did not.
  bool wait_for(size_t n, std::chrono::milliseconds limit = std::chrono::seconds(20));
  exec_outcome at(size_t i);
  size_t size();
};

/// Live (not zombie) processes whose process group is `pgid`.
int live_in_group(pid_t pgid);

/// Waits up to `limit` until group `pgid` has no live process; returns how
/// long it took (or `limit` if it never emptied).
std::chrono::milliseconds wait_group_empty(pid_t pgid, std::chrono::milliseconds limit);

/// Waits up to `limit` for `path` to hold a number (a pid a script wrote).
pid_t wait_pid_file(const std::string& path, std::chrono::milliseconds limit);

/// VmRSS of this process in bytes.
uint64_t own_rss();

/// A fresh temp directory, removed with what is in it at the end.
struct temp_dir {
  temp_dir();
  ~temp_dir();
  std::string path;
};

exec_request request(task_id id, std::string type, std::string payload, uint32_t attempt = 1);

} // namespace drover::testing
