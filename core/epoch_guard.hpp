// Every lease a manager hands out lies above (epoch - 1) << 32, where epoch
// is its leadership (or store load) epoch, so an assignment carries the
// epoch of the manager that made it. A member keeps the highest epoch it
// has seen and refuses assignments from an older one: a deposed or paused
// leader that wakes up cannot hand out work after its successor did.
#pragma once

#include <cstdint>

namespace drover {

/// The lowest lease a manager of `epoch` hands out (0 for epoch 0 or 1).
inline uint64_t lease_floor_of(uint64_t epoch) { return epoch > 0 ? (epoch - 1) << 32 : 0; }

/// The epoch of the manager that handed out `lease`.
inline uint64_t epoch_of_lease(uint64_t lease) { return (lease >> 32) + 1; }

class epoch_guard {
public:
  /// True if `lease` comes from the newest epoch seen so far or a newer one
  /// (which then becomes the newest); false for an older epoch.
  [[nodiscard]] bool admit(uint64_t lease) {
    auto e = epoch_of_lease(lease);
    if (e < highest_)
      return false;
    highest_ = e;
    return true;
  }
  uint64_t highest() const { return highest_; }

private:
  uint64_t highest_ = 0;
};

} // namespace drover
