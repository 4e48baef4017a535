// A manager process whose registry runs elsewhere tells that registry where
// the manager (and the courier) are, and tells it again whenever the
// registry restarted: otherwise members that reconnect to the new registry
// would wait for a manager forever. Uses the same reconnecting link as the
// members (actors/member_link.hpp).
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"

namespace drover {

struct announcer_options {
  link_options link;     ///< the registry and how to reach it again
  caf::actor manager;
  caf::actor courier;    ///< may be null
};

caf::actor spawn_announcer(caf::actor_system& sys, announcer_options opts);

} // namespace drover
