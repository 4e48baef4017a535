// How `drover run` waits: for its producer's job to end, a role to stop, or
// SIGINT/SIGTERM. The first signal drains a consumer that runs apart from
// the manager (no new tasks, running ones finish or are handed back); a
// second one, or a process without such a consumer, stops at once. It also
// writes the --ready-file once every role is up.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include <caf/actor.hpp>

#include "actors/producer.hpp"
#include "app/ready_file.hpp"
#include "app/role_box.hpp"
#include "core/stop_signals.hpp"

namespace drover {

/// What the wait loop watches; null members are roles this process lacks.
struct wait_inputs {
  std::shared_ptr<producer_outcome> job;
  std::shared_ptr<std::atomic<int>> stopped;    ///< roles that ended
  std::shared_ptr<std::atomic<int>> stop_code;  ///< the exit code then (1, or 2: name refused)
  std::shared_ptr<role_box> consumer;           ///< its current incarnation, drained on the first signal
  std::shared_ptr<std::atomic<bool>> drained;   ///< set once its drain finished
  uint32_t drain_ms = 30000;
  std::shared_ptr<readiness> ready;             ///< written to ready_file once every part is up
  std::string ready_file;                       ///< empty: none
  int ready_fd = -1;                            ///< -1: none
  bool keep_running = false;                    ///< after the job, until a signal (--demo on a terminal)
  /// Called on every turn of the loop (the main thread): -1 goes on, any
  /// other value stops the process with that exit code. May be null.
  std::function<int()> poll;
};

/// The process's exit code: the job's, 1 if a role stopped on its own or a
/// signal came before the job finished, else 0.
int wait_until_done(const sigset_t& signals, const wait_inputs& in);

} // namespace drover
