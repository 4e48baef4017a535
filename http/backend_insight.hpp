// The insight feature of the REST backend (http/routes_insight.cpp): what an
// operator looks back on: the events feed, the time series, the manager's
// card, one node's page, and forgetting a member that is gone.
// The shared contract (threads, bounded waits, error codes): http/backend.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "http/insight_types.hpp"

namespace drover {

class insight_backend {
public:
  virtual ~insight_backend() = default;

  /// Events with seq > `after`, at most `limit` (1..1000), oldest first.
  virtual result<event_page> events(uint64_t after, uint32_t limit) = 0;

  /// The 1 s points with at_ms > `since_ms` (unix ms).
  virtual result<series_page> series(int64_t since_ms) = 0;

  /// The manager's address, store, version, uptime and rule set.
  virtual result<manager_card> manager() = 0;

  /// One node: its roles, counters and the tasks it holds. ec::unknown_member.
  virtual result<node_detail> node(const std::string& node) = 0;

  /// Drops a lost or left member from the lists; the rows dropped.
  /// ec::unknown_member; ec::bad_transition if it is up.
  virtual result<std::vector<node_info>> forget_node(const std::string& node) = 0;
};

} // namespace drover
