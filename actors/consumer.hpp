// The consumer: registers with the registry, runs the task batches the
// manager pushes and ACKs results in batches. It never runs user code or
// blocking work itself: in-process handlers that block go to a thread pool,
// exec and worker handlers (exec/) to processes, and their outcomes come
// back as messages, so heartbeats, credit, aborts and status reports keep
// flowing. Only trivially cheap built-ins (noop, echo, fail) run inline;
// sleep finishes on a CAF timer. Unknown task types FAIL with a clear
// result; the consumer goes on. SIGTERM (through run.cpp) drains it.
// It outlives the manager (actors/member_link.hpp): while the manager is
// away its tasks keep running and their results are kept (core/lease_book.hpp);
// once back it re-reports the leases it holds and sends what was not confirmed.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"
#include "actors/node_agent.hpp"
#include "core/handlers.hpp"
#include "core/membership.hpp"

namespace drover {

struct handler_set;

struct consumer_options {
  member_info info;               ///< role consumer, node, tags, capacity
  caf::actor registry;
  link_options link;              ///< reconnecting; link.registry is set from `registry`
  std::chrono::milliseconds heartbeat{1000}; ///< to the registry; 0: none
  handler_registry handlers = builtin_handlers();
  /// Attempts this consumer finished (any outcome); read by `drover run`
  /// at exit and by tests to prove each task ran once.
  std::shared_ptr<std::atomic<uint64_t>> executed =
    std::make_shared<std::atomic<uint64_t>>(0);
  // -- node status and commands (actors/node_agent.hpp) --
  std::chrono::milliseconds status_every{0}; ///< reports to the manager; 0: none
  node_hooks node;                            ///< host sampler, user backlog, config reload
  // -- users' handlers (exec/) --
  std::shared_ptr<const handler_set> user_handlers; ///< validated at start; null: none
  std::string handlers_path;       ///< file re-read and hot-swapped; empty: none
  bool handlers_in_config = false; ///< the file is the --config (its `handlers:` section)
  std::chrono::milliseconds handlers_poll{1000}; ///< 0: never re-read
  std::string groups_file;         ///< record of child process groups; empty: none
  /// Set once a drain finished: every task ended or was handed back.
  std::shared_ptr<std::atomic<bool>> drained = std::make_shared<std::atomic<bool>>(false);
};

caf::actor spawn_consumer(caf::actor_system& sys, consumer_options opts);

/// The message that drains a consumer: no new work, running tasks get
/// `timeout_ms` to finish and their results confirmed by the manager, the
/// rest is handed back; then it deregisters and stops normally. With the
/// manager away the drain still ends at `timeout_ms`: results it never
/// confirmed are lost with this process and those tasks run again.
void send_drain(const caf::actor& consumer, uint32_t timeout_ms);

} // namespace drover
