// The REST face of a manager process that stands by (managers sharing a
// PostgreSQL store, DESIGN.md §13): until it leads, every request is
// answered 503 with the leader's URL in an X-Drover-Leader header and the
// JSON body, and GET /healthz says "standby", so a load balancer routes to
// the leader and the CLI follows it. http_server's gate calls answer() on
// its route threads; the elector's hooks update it.
#pragma once

#include <atomic>
#include <mutex>

#include "core/leader_address.hpp"
#include "http/message.hpp"
#include "http/status.hpp"

namespace drover {

class leader_gate {
public:
  /// True if it answered `res` (standing by); false lets the routes run.
  bool answer(const http_request& req, http_response& res) const;
  /// Stands by; `leader` leads now (empty fields: unknown).
  void stand_by(const leader_address& leader);
  /// Leads: every request goes to the routes from now on. REQUIRES: the
  /// routes of the leader's backends are in place.
  void lead();
  bool leading() const { return leading_.load(std::memory_order_acquire); }

private:
  mutable std::mutex mtx_;
  std::atomic<bool> leading_{false};
  leader_address leader_;
};

} // namespace drover
