// See core/idle_policy.hpp.
#include "core/idle_policy.hpp"

#include <algorithm>

namespace drover {

namespace {

/// Fastest first: known speeds ascending, then unknown, ties by name.
bool faster(const policy_member* a, const policy_member* b) {
  bool ka = a->speed_ms >= 0, kb = b->speed_ms >= 0;
  if (ka != kb)
    return ka;
  if (ka && a->speed_ms != b->speed_ms)
    return a->speed_ms < b->speed_ms;
  return a->node < b->node;
}

std::vector<const policy_member*> in_mode(const std::vector<policy_member>& ms, node_mode m) {
  std::vector<const policy_member*> out;
  for (auto& x : ms)
    if (!x.lost && x.mode == m)
      out.push_back(&x);
  std::sort(out.begin(), out.end(), faster);
  return out;
}

} // namespace

bool idle_long_enough(bool idle_now, int64_t now_ms, int64_t idle_after_ms,
                      int64_t& since_ms) {
  if (!idle_now) {
    since_ms = -1;
    return false;
  }
  if (since_ms < 0)
    since_ms = now_ms;
  return idle_after_ms > 0 && now_ms - since_ms >= idle_after_ms;
}

std::vector<std::string> to_sleep(const std::vector<policy_member>& ms, const idle_policy& p,
                                  bool idle_long) {
  std::vector<std::string> out;
  if (!idle_long)
    return out;
  auto awake = in_mode(ms, node_mode::awake);
  for (size_t i = p.min_awake; i < awake.size(); ++i)
    if (awake[i]->inflight == 0)
      out.push_back(awake[i]->node);
  return out;
}

std::vector<std::string> to_wake(const std::vector<policy_member>& ms, uint64_t pending,
                                 const idle_policy& p) {
  std::vector<std::string> out;
  if (pending == 0)
    return out;
  auto awake = in_mode(ms, node_mode::awake);
  auto asleep = in_mode(ms, node_mode::asleep);
  uint64_t working = 0;
  for (auto* a : awake)
    working += a->inflight;
  auto per = std::max<uint64_t>(p.wake_backlog, 1);
  uint64_t need = (pending + per - 1) / per; // awake consumers for <= per each
  if (working == 0)
    need = std::max<uint64_t>(need, awake.size() + 1);
  for (size_t i = 0; i < asleep.size() && awake.size() + out.size() < need; ++i)
    out.push_back(asleep[i]->node);
  return out;
}

} // namespace drover
