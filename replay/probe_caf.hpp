// The cluster_probe over CAF, for the replays that hold the cluster in one
// actor system (virtual and real clock): the manager's (snapshot) query and
// its (get, task_id) records, from a hidden scoped actor. No actor state is
// read in place. Included by replay/*.cpp only (it pulls in CAF).
#pragma once

#include <chrono>
#include <functional>

#include <caf/actor.hpp>

#include "core/manager_snapshot.hpp"
#include "replay/probe.hpp"

namespace drover::replay {

class sim_cluster;

class caf_probe : public cluster_probe {
public:
  /// `run`: on virtual time, runs the deterministic scheduler so that a
  /// request is answered; each request then waits without a time-out (one
  /// would be a timer on the test clock and change the run). Null on a real
  /// clock: each request waits at most `limit`. `cl` adds the nodes' own
  /// counters (executed, restarts) to every look.
  caf_probe(caf::actor_system& sys, const sim_cluster& cl, std::function<void()> run,
            std::chrono::milliseconds limit);

  result<snapshot> look(int64_t at_ms) override;
  std::vector<uint64_t> jobs_named(const std::string& name) const override;
  error tasks(int64_t t0_ms, std::vector<task_record>& out) override;

private:
  /// Sends `xs` to the manager and gives the answer to `ok`.
  template <class Ok, class... Ts>
  error ask(const char* what, Ok ok, Ts&&... xs);

  caf::actor_system& sys_;
  const sim_cluster& cl_;
  std::function<void()> run_;
  std::chrono::milliseconds limit_;
  manager_snapshot last_;
};

} // namespace drover::replay
