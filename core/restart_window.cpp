#include "core/restart_window.hpp"

namespace drover {

bool restart_window::allow(int64_t now_ms) {
  while (!restarts_.empty() && now_ms - restarts_.front() >= window_ms_)
    restarts_.pop_front(); // older than the window: forgiven
  if (restarts_.size() >= max_)
    return false;
  restarts_.push_back(now_ms);
  return true;
}

} // namespace drover
