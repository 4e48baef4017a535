// The elector of a manager process that shares a PostgreSQL store with
// others (DESIGN.md §13). Two actors: a caller on its own thread that makes
// the blocking leader_lease calls (like the store actor), and the elector
// on the scheduler that judges each attempt (core/leadership.hpp) and keeps
// the local deadline on a timer, so a call that hangs (the database cut
// off) cannot keep a leader leading past it.
// Hooks run on the elector's actor and must not block.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <caf/fwd.hpp>

#include "core/leader_address.hpp"
#include "core/leadership.hpp"
#include "store/leader_lease.hpp"

namespace drover {

/// The lease row behind a mutex: the caller thread attempts, the main
/// thread releases it on a clean shutdown. Once released it is never taken
/// again by this process.
class shared_lease {
public:
  explicit shared_lease(std::unique_ptr<leader_lease> lease) : lease_(std::move(lease)) {}
  /// One acquire_or_renew, as core/leadership sees it.
  lease_seen attempt();
  /// Gives the lease up (if held) and stops further attempts.
  error release();

private:
  std::mutex mtx_;
  std::unique_ptr<leader_lease> lease_;
  bool released_ = false;
};

struct elector_hooks {
  /// Won the lease in `epoch`: open the store fenced with it, load, lead.
  std::function<void(uint64_t epoch)> lead;
  /// Leading, and must stop at once (`why` for the log line).
  std::function<void(const std::string& why)> step_down;
  /// Standing by: who leads now, as the lease row says (empty: nobody).
  std::function<void(const leader_address& leader)> leader_seen;
};

struct elector_options {
  std::shared_ptr<shared_lease> lease;
  lease_timing timing;
  elector_hooks hooks;
  bool own_thread = true; ///< false on the test scheduler (the fake lease never blocks)
};

/// Spawns the elector (and its caller); the first attempt starts at once.
caf::actor spawn_elector(caf::actor_system& sys, elector_options opts);

} // namespace drover
