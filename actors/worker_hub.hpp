// The hub of remote HTTP workers, in the manager's process. The REST
// server's worker routes (http/routes_workers.cpp) talk to it; it keeps the
// worker desk (core/worker_desk.hpp) and, for every worker, a stand-in actor
// that is a member like a consumer: it registers with the registry (role
// worker, the worker's types, tags and capacity), so the manager leases it
// tasks by the same rules, credit and hash routing, and loses it the same
// way (deregistered once the worker is silent past its lease; after
// --grace its tasks go back to PENDING with a new version). Polls wait
// parked (they hold no HTTP thread) until the manager leases the worker a
// task or their wait runs out. Completions go to the manager, whose
// version check answers 200 or 409 for each.
#pragma once

#include <chrono>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"

namespace drover {

struct worker_hub_options {
  caf::actor manager;
  caf::actor registry;
  link_options link;                         ///< how the stand-ins reach the registry
  std::chrono::milliseconds heartbeat{1000}; ///< stand-ins' heartbeats to the registry
  std::chrono::milliseconds grace{5000};     ///< the manager's --grace
  std::chrono::milliseconds tick{100};       ///< how often silence is looked for
};

caf::actor spawn_worker_hub(caf::actor_system& sys, worker_hub_options opts);

} // namespace drover
