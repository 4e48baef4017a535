// The timeline's actions against a cluster of `drover run` processes
// (engine_processes.cpp): kill is SIGKILL to the member's process, restart
// a new process, and submit / swap_rules / cancel go through the manager's
// REST API as an operator's would. One trace line each. No CAF here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "replay/dispatch.hpp"
#include "replay/outcome.hpp"
#include "replay/scenario.hpp"

namespace drover {
class api_client;
}

namespace drover::replay {

class child;
class observer;

struct process_action_context {
  api_client& api;
  observer& obs;
  run_outcome& outcome;
  int64_t now_ms;
  /// Starts a new process for the member (SIGKILLing a running one first).
  std::function<child&(const std::string&)> start;
  /// The member's newest process, or nullptr.
  std::function<child*(const std::string&)> current;
  /// Every job now (GET /v1/jobs), for cancel by name.
  std::function<std::vector<nlohmann::json>()> jobs;
};

/// False for the kinds a process cannot be made to do from outside (crash,
/// partition, heal, deregister, slow).
bool process_can(action_kind k);

/// One "file:line: ..." line per timeline entry --processes cannot play;
/// empty if it can play them all.
std::string unsupported_in_processes(const scenario& s);

/// Applies actions to the processes of `ctx` (dispatch.hpp). A refusal by
/// the manager is traced, not fatal; what a process cannot be made to do
/// is traced as not possible (the run refuses such entries up front).
class process_actions : public action_transport {
public:
  explicit process_actions(process_action_context& ctx) : ctx_(ctx) {}
  void submit(const action& a) override;
  void swap_rules(const action& a) override;
  void cancel(const action& a) override;
  void command(const action& a) override { not_possible(a); }
  void schedule(const action& a) override { not_possible(a); }
  void data(const action& a) override { not_possible(a); }
  void kill(const action& a) override;
  void crash(const action& a) override { not_possible(a); }
  void restart(const action& a) override;
  void partition(const action& a, bool) override { not_possible(a); }
  void deregister(const action& a) override { not_possible(a); }
  void slow(const action& a) override { not_possible(a); }

private:
  void not_possible(const action& a);
  process_action_context& ctx_;
};

} // namespace drover::replay
