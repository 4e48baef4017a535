// One way to observe a cluster under replay: the manager's public queries
// (its snapshot, its tasks' records) and nothing else. Two transports: over
// CAF inside one process (probe_caf.hpp, virtual and real clock) and over
// the manager's REST API across processes (probe_http.hpp). The engines and
// the wall-clock player read the cluster only through this interface.
// No CAF here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "replay/outcome.hpp"

namespace drover {
struct manager_snapshot;
}

namespace drover::replay {

class cluster_probe {
public:
  virtual ~cluster_probe() = default;
  /// The cluster at `at_ms` (the engine's clock); ec::unreachable if the
  /// manager did not answer.
  virtual result<snapshot> look(int64_t at_ms) = 0;
  /// Ids of the jobs named `name` as of the latest look, ascending.
  virtual std::vector<uint64_t> jobs_named(const std::string& name) const = 0;
  /// Every task's final record; `t0_ms` is the run's start on the
  /// manager's clock, for the reassignment times.
  virtual error tasks(int64_t t0_ms, std::vector<task_record>& out) = 0;
};

/// The manager's snapshot under replay's counter names (counter_names()),
/// at `at_ms`. The engine adds what only it knows (executed, restarts).
snapshot view_of(const manager_snapshot& m, int64_t at_ms);

} // namespace drover::replay
