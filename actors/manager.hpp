// The manager owns the task table and assigns tasks to consumers.
// Receives: member events (registry), task lists (producers, later REST),
// ACKs and started notes (consumers), progress/watch/stats queries.
// Sends: task batches up to each consumer's credit; writes every transition
// through the store actor and acknowledges a list only once it is stored.
// Decisions live in core/ (state machine, queues) and rules/ (who gets a
// task); see manager_logic.cpp.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "core/idle_policy.hpp"
#include "core/queue_bounds.hpp"

namespace drover {

struct recovery_counts; // core/manager_snapshot.hpp

struct rule_set;

struct manager_options {
  std::string node = "manager";            ///< prefix of external task ids
  std::chrono::milliseconds grace{1000};   ///< wait before moving a lost member's work
  int64_t wall_offset_ms = 0;              ///< unix ms minus actor-clock ms (0 in tests)
  uint32_t max_batch = 256;                ///< tasks per assignment message at most
  caf::actor store;                        ///< the store actor (required)
  std::shared_ptr<const rule_set> rules;   ///< assignment rules; nullptr: defaults
  std::string rules_path;                  ///< file the rules keeper watches; empty: none
  std::chrono::milliseconds rules_poll{1000}; ///< how often it looks; 0: never
  uint64_t seed = 42;                      ///< for the random strategy
  uint32_t default_timeout_ms = 0;         ///< for tasks that set none; 0: no limit
  // -- sleep/wake of consumers (actors/manager_nodes.cpp) --
  idle_policy idle{0, 1, 64};              ///< idle_after_ms 0: off (drover run: 30 s)
  std::chrono::milliseconds policy_every{500}; ///< how often the policy looks
  queue_limits queues;                     ///< bounds, standby, weights
  // -- shown on GET /v1/manager (actors/manager_watch.cpp) --
  std::string listen;                      ///< where the registry listens for members
  std::string store_name;                  ///< "memory" or the store file
  /// The leader lease's epoch when managers share a PostgreSQL store (0:
  /// none): leases are handed out above it, so members can tell a deposed
  /// leader's assignments from the current one's.
  uint64_t leader_epoch = 0;
  /// The store refused a write: another manager process leads (spawn_manager_role
  /// hands it to the store actor). Null: not shared.
  std::function<void(const std::string&)> on_fenced;
  /// After recovery, with what it found (drover run's --ready-file).
  std::function<void(const recovery_counts&)> on_ready;
};

/// Spawns the manager. It first reloads every unfinished task from the store
/// (holding other messages until then), then serves.
caf::actor spawn_manager(caf::actor_system& sys, manager_options opts);

} // namespace drover
