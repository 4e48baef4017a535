// How CAF's worker threads wait for work (bench W3). CAF 0.17's default
// lets an idle worker poll its queue 500 times with a 50 us sleep in between
// before it blocks; a message sent to such a worker from another thread
// (the middleman, a scoped_actor, the store's thread) waits out that sleep
// (~60-110 us with the kernel's timer slack) on every hop of a one-task
// round trip. See scheduler_tuning.cpp for what is set instead.
#pragma once

namespace caf {
class actor_system_config;
}

namespace drover {

/// Sets the work-stealing poll strategy of `cfg` (before the actor system
/// is created from it).
void tune_scheduler(caf::actor_system_config& cfg);

} // namespace drover
