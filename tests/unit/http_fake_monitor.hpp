// Test support: an in-memory monitor_backend answering what the test set.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "http/backend_monitor.hpp"

namespace drover {
namespace http_test {

class fake_monitor : public monitor_backend {
public:
  std::mutex mtx;
  metrics_snapshot snapshot;     ///< what metrics() answers
  health_info healthy;           ///< what health() answers
  std::vector<alert_info> raised; ///< what alerts() answers
  std::optional<error> fail_all; ///< health() answers this error

  result<metrics_snapshot> metrics() override {
    std::lock_guard<std::mutex> g{mtx};
    return snapshot;
  }

  result<health_info> health() override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    return healthy;
  }

  result<std::vector<alert_info>> alerts() override {
    std::lock_guard<std::mutex> g{mtx};
    return raised;
  }
};

} // namespace http_test
} // namespace drover
