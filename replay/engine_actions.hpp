// The timeline's actions, applied to a sim_cluster: each sends what a real
// operator or failure would (an exit, a deregister, a rule set, a cancel)
// and writes one trace line with the outcome. Requests are answered by
// calling `run` (the deterministic scheduler) before receiving; with a
// no-op `run` the same code would wait on a real scheduler.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "replay/outcome.hpp"
#include "replay/scenario.hpp"

namespace drover::replay {

class sim_cluster;
class observer;

struct action_context {
  caf::actor_system& sys;
  sim_cluster& cl;
  observer& obs;
  run_outcome& outcome;
  int64_t now_ms;
  std::function<void()> run;
  /// Ids of the jobs named so (the manager's view).
  std::function<std::vector<uint64_t>(const std::string&)> jobs_named;
};

/// Applies `a` and traces it. Never throws; a refusal (bad rules, unknown
/// task) is traced, not fatal.
void apply_action(action_context& ctx, const action& a);

} // namespace drover::replay
