// Internal to the worker hub (actors/worker_hub.cpp): the member that stands
// in for one remote HTTP worker. It joins through the registry like a
// consumer (member_link), heartbeats while the hub says the worker lives,
// and passes what the manager sends it (assign, abort) to the hub.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"
#include "core/membership.hpp"

namespace drover {

struct stand_in_options {
  member_info info;  ///< role worker
  caf::actor hub;
  caf::actor registry;
  link_options link;
  std::chrono::milliseconds heartbeat{1000};
};

caf::actor spawn_worker_stand_in(caf::actor_system& sys, stand_in_options opts);

} // namespace drover
