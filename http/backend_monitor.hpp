// The monitoring feature of the REST backend (http/routes_monitor.cpp):
// health, metrics and alerts, what probes and dashboards read.
// The shared contract (threads, bounded waits, error codes): http/backend.hpp.
#pragma once

#include <vector>

#include "http/api_types.hpp"

namespace drover {

class monitor_backend {
public:
  virtual ~monitor_backend() = default;

  /// Gauges and counters for GET /metrics and /v1/overview.
  virtual result<metrics_snapshot> metrics() = 0;

  /// Whether the manager answers and is ready (GET /healthz).
  virtual result<health_info> health() = 0;

  /// The latest supervisor alerts (at most 100), oldest first.
  virtual result<std::vector<alert_info>> alerts() = 0;
};

} // namespace drover
