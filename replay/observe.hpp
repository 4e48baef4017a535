// Watching a replay: snapshots of the manager's state (read in place, which
// is safe only between runs of the deterministic scheduler), trace lines
// for what changed since the last look, and every task's final record from
// the store. Internal to the replay engine.
#pragma once

#include <cstdint>
#include <string>

#include "replay/outcome.hpp"

namespace drover {
struct manager_state;
class task_store;
} // namespace drover

namespace drover::replay {

class sim_cluster;

class observer {
public:
  observer(std::string& trace, run_outcome& out) : trace_(trace), out_(out) {}

  /// Appends "<time> ms  <text>" to the trace.
  void line(int64_t at_ms, const std::string& text);
  /// The cluster now, as the manager sees it plus the nodes' own counters.
  static snapshot take(const manager_state& st, const sim_cluster& cl, int64_t at_ms);
  /// Takes a snapshot and traces what changed since the previous one.
  const snapshot& look(const manager_state& st, const sim_cluster& cl, int64_t at_ms);
  /// Fills out.tasks from the store; `t0_ms` is the run's start on the
  /// manager's clock.
  void collect_tasks(const manager_state& st, task_store& db, int64_t t0_ms);

private:
  std::string& trace_;
  run_outcome& out_;
  snapshot last_;
  bool first_ = true;
};

} // namespace drover::replay
