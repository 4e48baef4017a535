// Reading a cluster of `drover run` processes through its manager's REST
// API (http/API.md), for `replay --processes`: GET /v1/jobs, /v1/nodes,
// /v1/overview (the /metrics figures as JSON), /v1/rules, /v1/alerts, and
// /v1/tasks/ID for the final records. No CAF here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "replay/outcome.hpp"

namespace drover {
class api_client;
}

namespace drover::replay {

/// One round of answers, as parsed JSON.
struct rest_view {
  std::vector<nlohmann::json> jobs;   ///< every job of GET /v1/jobs, all pages
  nlohmann::json nodes;               ///< GET /v1/nodes
  nlohmann::json overview;            ///< GET /v1/overview
  nlohmann::json rules;               ///< GET /v1/rules
  nlohmann::json alerts;              ///< GET /v1/alerts
};

/// GETs everything above; the first failure as ec::unreachable.
error ask_rest(api_client& api, rest_view& out);

/// What REST cannot tell and the engine may know instead.
struct rest_extras {
  /// Set when no task of the scenario can time out, so `timeouts` is 0;
  /// REST has no timeout counter.
  std::optional<uint64_t> timeouts;
};

/// A snapshot from REST. Absent (not observable over REST): `lists`,
/// `restarts`, `executed` (the engine adds it at the end from the
/// consumers' logs), `timeouts` and `completed_twice` unless
/// extras.timeouts is known, and the active producer of each group.
/// `cancelled` is the number of tasks in state CANCELLED.
snapshot snapshot_of_rest(const rest_view& v, const rest_extras& extras, int64_t at_ms);

/// Every task's final record by GET /v1/tasks/ID for ids 1..`last`;
/// `t0_unix_ms` is the run's start on the manager's (unix ms) clock.
error rest_tasks(api_client& api, const std::vector<nlohmann::json>& jobs, uint64_t last,
                 int64_t t0_unix_ms, std::vector<task_record>& out);

/// A reply's error message for the trace: the JSON `detail` if there is one.
std::string reply_problem(int status, const std::string& body, const error& err);

} // namespace drover::replay
