// The consumer: registers with the registry, executes the task batches the
// manager pushes with its handler registry, and ACKs results in batches
// (one message per batch received, plus one per group of timer-finished
// tasks). Unknown task types FAIL with a clear result; the consumer goes on.
// It outlives the manager (actors/member_link.hpp): while the manager is
// away it keeps running and keeps its results (core/lease_book.hpp); once
// back it re-reports the leases it holds and sends what was not confirmed.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"
#include "actors/node_agent.hpp"
#include "core/exec_journal.hpp"
#include "core/handlers.hpp"
#include "core/membership.hpp"

namespace drover {

struct consumer_options {
  member_info info;               ///< role consumer, node, tags, capacity
  caf::actor registry;
  link_options link;              ///< reconnecting; link.registry is set from `registry`
  std::chrono::milliseconds heartbeat{1000}; ///< to the registry; 0: none
  std::shared_ptr<exec_journal> journal; ///< --journal: a line per finished attempt
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
