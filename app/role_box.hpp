// The latest incarnation of a supervised role. The supervisor's start
// function writes it (on a scheduler thread), while `drover run`'s drain
// and replay's kills and crashes read it from other threads, hence the lock.
#pragma once

#include <cstdint>
#include <mutex>

#include <caf/actor.hpp>

namespace drover {

struct role_box {
  std::mutex mtx;
  caf::actor current;
  uint64_t spawns = 0; ///< incarnations so far, supervisor restarts included

  caf::actor get() {
    std::lock_guard<std::mutex> guard{mtx};
    return current;
  }
};

} // namespace drover
