// A member that went away keeps what it holds for a grace: back in time,
// nothing moves; otherwise what it held moves on. CAF timers cannot be
// cancelled, so every loss and every return starts a new generation, and a
// grace timer that fires carrying an older one is stale. The one rule for
// consumers and producers at the manager and mailbox nodes at the courier.
#pragma once

#include <cstdint>

namespace drover {

class grace_period {
public:
  /// Gone (down, deregistered, or known only from the store): the grace
  /// timer to arm carries the returned generation.
  uint64_t lose() {
    lost_ = true;
    return ++gen_;
  }
  /// Back: every grace timer still running is now stale.
  void back() {
    lost_ = false;
    ++gen_;
  }
  /// A new grace for a member that is present but in doubt (its lease
  /// report has not come yet); older timers are stale.
  [[nodiscard]] uint64_t rearm() { return ++gen_; }
  /// A timer carrying `gen` fired: is it the latest one?
  [[nodiscard]] bool current(uint64_t gen) const { return gen == gen_; }
  /// ... and the member is still gone: its grace ran out.
  [[nodiscard]] bool expired(uint64_t gen) const { return lost_ && current(gen); }
  [[nodiscard]] bool lost() const { return lost_; }

private:
  bool lost_ = false;
  uint64_t gen_ = 0;
};

} // namespace drover
