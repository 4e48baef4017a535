// Lone messages run on CAF's network thread. When a message from another
// process reaches an idle manager or consumer, CAF's network thread hands
// it to a scheduler worker (wake-up), the actor's answer goes back to the
// network thread through its pipe (another wake-up) before it is written:
// three thread wake-ups per process a task visits, the cost of a lone
// task's round trip on a 2-core box. Here the network thread runs that
// actor itself, for a few messages, and the answer is written on the same
// thread: one wake-up per visit, as in a single-threaded event loop. A busy
// actor is not affected (it is already running on a worker when its next
// message arrives, so it is never handed over), and an actor whose
// messages take long is left to the workers for a while, so the network
// thread keeps reading (heartbeats, other members) under load.
#pragma once

namespace caf {
class actor_system_config;
}

namespace drover {

/// Loads CAF's middleman with a network thread that runs lone messages of
/// the manager, the consumers and a store without its own thread (memory)
/// itself. Deserializes on that thread (middleman.workers = 0).
void load_inline_middleman(caf::actor_system_config& cfg);

/// Installs CAF's work-stealing scheduler with the hand-over above (no
/// effect without load_inline_middleman: no thread is a network thread).
void install_inline_scheduler(caf::actor_system_config& cfg);

} // namespace drover
