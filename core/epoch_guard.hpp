// Every lease a manager hands out lies above (epoch - 1) << 32, where epoch
// is its leadership (or store load) epoch, so an assignment carries the
// epoch of the manager that made it; an abort (cancel, timeout) carries the
// sender's epoch outright, since the lease it names may be older than its
// sender (a task kept across a takeover). A member keeps the highest epoch
// it has seen and refuses assignments and aborts from an older one: a
// deposed or paused leader that wakes up can neither hand out work nor stop
// work after its successor took over.
#pragma once

#include <cstdint>

namespace drover {

/// The lowest lease a manager of `epoch` hands out (0 for epoch 0 or 1).
inline uint64_t lease_floor_of(uint64_t epoch) { return epoch > 0 ? (epoch - 1) << 32 : 0; }

/// The epoch of the manager that handed out `lease`.
inline uint64_t epoch_of_lease(uint64_t lease) { return (lease >> 32) + 1; }

/// The epoch a manager whose leases lie above `lease_floor` sends as.
inline uint64_t epoch_of_floor(uint64_t lease_floor) { return epoch_of_lease(lease_floor); }

class epoch_guard {
public:
  /// True if a message from a manager of `epoch` comes from the newest
  /// epoch seen so far or a newer one (which then becomes the newest);
  /// false for an older epoch.
  [[nodiscard]] bool admit_epoch(uint64_t epoch) {
    if (epoch < highest_)
      return false;
    highest_ = epoch;
    return true;
  }
  /// admit_epoch for an assignment of `lease`.
  [[nodiscard]] bool admit(uint64_t lease) { return admit_epoch(epoch_of_lease(lease)); }
  uint64_t highest() const { return highest_; }

private:
  uint64_t highest_ = 0;
};

} // namespace drover
