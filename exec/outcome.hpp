// What the consumer hands an executor (one attempt of a task) and what comes
// back. Plain data, no CAF: the consumer turns an outcome into a task_report.
#pragma once

#include <cstdint>
#include <string>

#include "core/task.hpp"

namespace drover {

/// One attempt, as the executors see it.
struct exec_request {
  task_id id = 0;
  uint64_t lease = 0;
  uint32_t attempt = 1;
  std::string type;
  std::string payload;
  uint32_t timeout_ms = 0;   ///< the task's own timeout (the manager aborts at it); 0: none
  int64_t deadline_ms = 0;   ///< unix ms the attempt times out at; 0: none
};

/// How one attempt ended. `result` is the output on success and a short
/// human-readable reason on failure ("exit code 3", "killed by signal
/// SIGKILL (9)", "ValueError: bad path").
struct exec_outcome {
  task_id id = 0;
  uint64_t lease = 0;
  task_outcome outcome = task_outcome::succeeded;
  std::string result;
  bool retryable = true;     ///< false: fail the task now, whatever attempts remain
  std::string log;           ///< stderr tail / worker log lines kept with the attempt
  uint32_t run_us = 0;
};

/// An outcome that failed `r` with `why`.
inline exec_outcome failed_outcome(const exec_request& r, std::string why,
                                   bool retryable = true) {
  exec_outcome o;
  o.id = r.id;
  o.lease = r.lease;
  o.outcome = task_outcome::failed;
  o.result = std::move(why);
  o.retryable = retryable;
  return o;
}

} // namespace drover
