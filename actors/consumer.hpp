// The consumer: registers with the registry, executes the task batches the
// manager pushes with its handler registry, and ACKs results in batches
// (one message per batch received, plus one per group of timer-finished
// tasks). Unknown task types FAIL with a clear result; the consumer goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/node_agent.hpp"
#include "core/handlers.hpp"
#include "core/membership.hpp"

namespace drover {

struct consumer_options {
  member_info info;               ///< role consumer, node, tags, capacity
  caf::actor registry;
  std::chrono::milliseconds heartbeat{1000}; ///< to the registry; 0: none
  handler_registry handlers = builtin_handlers();
  /// Attempts this consumer finished (any outcome); read by `drover run`
  /// at exit and by tests to prove each task ran once.
  std::shared_ptr<std::atomic<uint64_t>> executed =
    std::make_shared<std::atomic<uint64_t>>(0);
  // -- node status and commands (issue #9, actors/node_agent.hpp) --
  std::chrono::milliseconds status_every{0}; ///< reports to the manager; 0: none
  node_hooks node;                            ///< host sampler, user backlog, config reload
};

caf::actor spawn_consumer(caf::actor_system& sys, consumer_options opts);

} // namespace drover
