// Starting the scheduler (issue #10 item 6) in a process with the manager
// role: its store, the actor and the config file's schedules.
#pragma once

#include <caf/fwd.hpp>
#include <caf/actor.hpp>

#include "config/options.hpp"

namespace drover {

/// Spawns the scheduler next to `manager`, keeping schedules in the same
/// place as the tasks (`o.store`), then upserts `o.schedules` by name and
/// waits (at most 10 s) until each is in. An error (the process should exit
/// 2) if the store cannot be opened or a configured schedule is refused.
error start_scheduler(caf::actor_system& sys, const run_options& o, caf::actor manager,
                      int64_t wall_offset_ms, caf::actor& out);

} // namespace drover
