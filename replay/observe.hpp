// Watching a replay: trace lines for what changed between two looks at the
// cluster (the looks come from a cluster_probe, probe.hpp), and the helpers
// every transport shares to turn the manager's answers into replay's
// counters and task records. Internal to the replay engine.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "replay/outcome.hpp"
#include "store/task_store.hpp"

namespace drover {
struct manager_stats;
} // namespace drover

namespace drover::replay {

class sim_cluster;

/// Who a task was taken from and when (ms since `t0_ms`), read from its
/// `reassigned` events.
std::vector<task_record::reassignment> reassignments_of(const std::vector<task_event>& events,
                                                         int64_t t0_ms);

/// The manager's counters (assigned, acks, stale, ...) under their
/// scenario names; every clock reads them the same way.
void add_stat_counters(std::map<std::string, uint64_t>& c, const manager_stats& x);

class observer {
public:
  observer(std::string& trace, run_outcome& out) : trace_(trace), out_(out) {}

  /// Appends "<time> ms  <text>" to the trace.
  void line(int64_t at_ms, const std::string& text);
  /// Traces what changed from the previous snapshot to `now`.
  const snapshot& look(snapshot now);
  const snapshot& last() const { return last_; }
  /// The engine's own counters (executed, restarts) from the nodes.
  static void add_node_counters(const sim_cluster& cl, snapshot& s);

private:
  std::string& trace_;
  run_outcome& out_;
  snapshot last_;
  bool first_ = true;
};

/// Completions the manager recorded more than once, by its own accounting
/// (see observe.cpp), from its counters and the tasks per end state.
uint64_t completed_twice(const manager_stats& s, uint64_t succeeded, uint64_t failed,
                         uint64_t timed_out);
/// The same from the bare numbers (e.g. read over REST).
uint64_t completed_twice(uint64_t acks, uint64_t stale, uint64_t retries, uint64_t timeouts,
                         uint64_t succeeded, uint64_t failed, uint64_t timed_out);

} // namespace drover::replay
