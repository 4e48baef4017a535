// Restart intensity for a supervisor (DESIGN.md §6): at most N restarts in
// any window of T. Pure: the caller passes the time (the actor clock, so
// tests run it on virtual time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace drover {

class restart_window {
public:
  restart_window(uint32_t max_restarts, int64_t window_ms)
    : max_(max_restarts), window_ms_(window_ms) {}

  /// A child crashed at `now_ms`: true if it may be restarted, which is then
  /// counted; false once N restarts already happened within the last T.
  bool allow(int64_t now_ms);

  /// Restarts counted within the window ending at the last allow().
  size_t recent() const { return restarts_.size(); }
  uint32_t max_restarts() const { return max_; }

private:
  uint32_t max_;
  int64_t window_ms_;
  std::deque<int64_t> restarts_; ///< times of the restarts still in the window
};

} // namespace drover
