// Starting the scheduler in a process with the manager role: the actor
// (app/roles.hpp) and the config file's schedules.
#pragma once

#include <caf/fwd.hpp>
#include <caf/actor.hpp>

#include "app/roles.hpp"
#include "config/options.hpp"

namespace drover {

/// Spawns the scheduler next to `manager`, keeping schedules through `store`
/// (the store actor, which owns the schedule store beside the tasks), then
/// upserts `o.schedules` by name and waits (at most 10 s) until each is in.
/// An error (the process should exit 2; the scheduler is stopped then) if a
/// configured schedule is refused.
result<caf::actor> start_scheduler(caf::actor_system& sys, const run_options& o,
                                   const role_env& env, caf::actor manager, caf::actor store);

} // namespace drover
