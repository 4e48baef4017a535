// The cluster_probe over REST (probe.hpp), for `replay --processes`: the
// manager's API (http/API.md) GET /v1/jobs, /v1/nodes, /v1/overview (the
// /metrics figures as JSON), /v1/rules, /v1/alerts, and /v1/tasks/ID for
// the final records. No CAF here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "replay/outcome.hpp"
#include "replay/probe.hpp"

namespace drover {
class api_client;
}

namespace drover::replay {

/// What REST cannot tell and the engine may know instead.
struct rest_extras {
  /// Set when no task of the scenario can time out, so `timeouts` is 0;
  /// REST has no timeout counter.
  std::optional<uint64_t> timeouts;
};

/// The cluster_probe over REST. A look is absent (not observable over
/// REST) in: `lists`, `restarts`, `executed` (the engine adds it at the end
/// from the consumers' exit lines), `timeouts` and `completed_twice` unless
/// extras.timeouts is known, and the active producer of each group.
/// `cancelled` is the number of tasks in state CANCELLED.
class rest_probe : public cluster_probe {
public:
  rest_probe(api_client& api, rest_extras extras) : api_(api), extras_(extras) {}

  result<snapshot> look(int64_t at_ms) override;
  std::vector<uint64_t> jobs_named(const std::string& name) const override;
  /// `t0_ms` is the run's start in unix ms (the manager's clock).
  error tasks(int64_t t0_ms, std::vector<task_record>& out) override;

  /// Every job of the latest look, as GET /v1/jobs gave it.
  const std::vector<nlohmann::json>& jobs() const { return jobs_; }

private:
  api_client& api_;
  rest_extras extras_;
  std::vector<nlohmann::json> jobs_;
  uint64_t tasks_ = 0; ///< tasks in the latest look
};

/// A reply's error message for the trace: the JSON `detail` if there is one.
std::string reply_problem(int status, const std::string& body, const error& err);

} // namespace drover::replay
