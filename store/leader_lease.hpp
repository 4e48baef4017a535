// The one leader among manager processes that share a PostgreSQL store
// (DESIGN.md §13): a single lease row (holder, address, epoch, expiry),
// judged on the database's clock so the managers' clocks never matter.
// Whoever holds an unexpired lease leads; every write transaction of the
// leader's task store checks that the row still carries its epoch (fencing),
// so a deposed or paused leader changes nothing. Blocking calls: run them off
// the actor threads (like the store actor does).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/errors.hpp"

namespace drover {

/// The lease row as one attempt to take or renew it left it.
struct lease_view {
  bool mine = false;        ///< this process holds it now
  uint64_t epoch = 0;       ///< +1 on every change of holder; the fencing token
  std::string holder;       ///< the holder's process name (node name + pid)
  std::string address;      ///< where the holder's registry listens ("host:port")
  int64_t expires_in_ms = 0;///< database clock: how long the holder's lease still runs
};

class leader_lease {
public:
  virtual ~leader_lease() = default;
  /// Takes the lease if it is free or expired (a new epoch) or renews it if
  /// this process holds it; otherwise reports who holds it. Never waits on
  /// the holder. An unreachable database is an error (ec::unreachable).
  [[nodiscard]] virtual result<lease_view> acquire_or_renew() = 0;
  /// Ends this process's lease now (clean shutdown), so a standby can take
  /// it on its next attempt instead of waiting for the expiry.
  [[nodiscard]] virtual error release() = 0;
};

/// For a "postgres://..." store spec: a lease on its own connection for the
/// process `holder` whose registry listens at `address`, lasting `ttl_ms`
/// from each successful renewal. ec::bad_input for any other spec.
result<std::unique_ptr<leader_lease>> open_leader_lease(const std::string& store_spec,
                                                        const std::string& holder,
                                                        const std::string& address,
                                                        int64_t ttl_ms);

} // namespace drover
