#include "app/scheduler_tuning.hpp"

#include <caf/actor_system_config.hpp>

#include "app/io_inline.hpp"

namespace drover {

void tune_scheduler(caf::actor_system_config& cfg) {
  // An idle worker spins on its queue briefly (CAF's 100 aggressive polls),
  // then blocks on its condition variable, which every enqueue from another
  // thread signals. CAF's middle phase (500 polls, 50 us sleep each) is
  // skipped: a sleeping poller is not signalled, so every cross-thread hop
  // paid up to a sleep. Measured on 2 cores (bench/README.md):
  // one-task latency in process p50 147-159 -> 46-50 us, 4-process
  // throughput (W2) 144-170 k -> 250-295 k tasks/s, W1 not worse.
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  install_inline_scheduler(cfg);
}

} // namespace drover
