// Reading a running cluster by asking its manager, for replays on a real
// clock: no actor state is touched in place. Every request has a bounded
// wait. Included by replay/*.cpp only (it pulls in CAF).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "replay/outcome.hpp"

namespace drover::replay {

class sim_cluster;

/// What the manager answered to one round of queries.
struct manager_answers {
  manager_stats stats;              ///< (stats_atom)
  std::vector<node_info> members;   ///< (get_atom, members_atom)
  std::vector<job_info> jobs;       ///< (get_atom, job_atom, offset, limit), all pages
  rules_info rules;                 ///< (rules_atom, get_atom)
};

/// Asks `manager` for everything above, each request waiting at most
/// `limit`. Returns the first failure (ec::unreachable on a time-out).
error ask_manager(caf::actor_system& sys, const caf::actor& manager,
                  std::chrono::milliseconds limit, manager_answers& out);

/// A snapshot from the manager's answers plus the nodes' own counters.
/// Not observable this way, so absent: `lists` (the manager has no message
/// for it) and the active producer of each group.
snapshot snapshot_of(const manager_answers& a, const sim_cluster& cl, int64_t at_ms);

/// Every task's final record, by (get_atom, task_id) to the manager (which
/// hands it to the store), for ids 1..`last`. `t0_ms` is the run's start on
/// the manager's clock. Stops at the first failure and returns it.
error ask_tasks(caf::actor_system& sys, const caf::actor& manager,
                std::chrono::milliseconds limit, const std::vector<job_info>& jobs,
                uint64_t last, int64_t t0_ms, std::vector<task_record>& out);

} // namespace drover::replay
