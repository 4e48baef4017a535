// The manager's sleep/wake policy as pure functions, so it can be tested
// without a clock or actors: after the cluster has been idle for
// `idle_after_ms`, surplus consumers sleep (all but `min_awake`, the fastest
// stay up); when the backlog per awake consumer passes `wake_backlog`,
// sleeping ones wake, fastest first. actors/manager_nodes.cpp applies the
// answers on a CAF timer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/node_status.hpp"

namespace drover {

struct idle_policy {
  int64_t idle_after_ms = 30000;  ///< 0: the policy is off
  uint32_t min_awake = 1;         ///< consumers never put to sleep
  uint32_t wake_backlog = 64;     ///< pending tasks per awake consumer that wake more
};

/// A consumer as the policy sees it.
struct policy_member {
  std::string node;
  node_mode mode = node_mode::awake;
  uint32_t inflight = 0;
  bool lost = false;              ///< down, grace running: neither slept nor woken
  double speed_ms = -1;           ///< mean recent run time; < 0: not known yet
};

/// Tracks how long the cluster has been idle. `since_ms` < 0 means busy.
/// Returns true once it has been idle for at least `idle_after_ms`.
bool idle_long_enough(bool idle_now, int64_t now_ms, int64_t idle_after_ms,
                      int64_t& since_ms);

/// Awake consumers to put to sleep, keeping the `min_awake` fastest awake
/// (unknown speeds rank last, ties by name). Empty unless `idle_long`.
std::vector<std::string> to_sleep(const std::vector<policy_member>& ms, const idle_policy& p,
                                  bool idle_long);

/// Sleeping consumers to wake, fastest first: enough that pending per awake
/// consumer is at most `wake_backlog`; at least one when tasks are pending
/// and no awake consumer holds any (work would otherwise stall).
std::vector<std::string> to_wake(const std::vector<policy_member>& ms, uint64_t pending,
                                 const idle_policy& p);

} // namespace drover
