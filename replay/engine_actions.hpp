// The timeline's actions inside one process (the transport of dispatch.hpp
// for a sim_cluster): each sends what a real operator or failure would (an
// exit, a deregister, a rule set, a cancel) and writes one trace line with
// the outcome. On virtual time requests are answered by calling `run` (the
// deterministic scheduler) before receiving; on a real clock
// (`reply_timeout` > 0) each waits at most that long.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "replay/dispatch.hpp"
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
  std::function<void()> run;         ///< virtual time: runs the scheduler
  /// Ids of the jobs named so (the manager's view).
  std::function<std::vector<uint64_t>(const std::string&)> jobs_named;
  std::chrono::milliseconds reply_timeout{0}; ///< > 0: real clock, bounded waits
};

/// Applies actions to the cluster of `ctx`. Never throws; a refusal (bad
/// rules, unknown task) is traced, not fatal.
class caf_actions : public action_transport {
public:
  explicit caf_actions(action_context& ctx) : ctx_(ctx) {}
  void submit(const action& a) override;
  void swap_rules(const action& a) override;
  void cancel(const action& a) override;
  void command(const action& a) override;
  void schedule(const action& a) override;
  void data(const action& a) override;
  void kill(const action& a) override;
  void crash(const action& a) override;
  void restart(const action& a) override;
  void partition(const action& a, bool on) override;
  void deregister(const action& a) override;
  void slow(const action& a) override;

private:
  action_context& ctx_;
};

// -- users' data, replay/data_actions.cpp: virtual time only ------------------
void apply_data_action(action_context& ctx, const action& a);
/// Creates `users` in order (u1, u2, ...) and traces where each is bound.
void create_data_users(action_context& ctx, const std::vector<std::string>& users);
/// Fills outcome.user_nodes with every user's node now.
void collect_user_nodes(action_context& ctx);

} // namespace drover::replay
