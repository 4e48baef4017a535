// The cluster of a scenario inside one actor system: registry, store,
// manager, and every consumer and producer as a "node" (a supervisor over
// its role, like `drover run` does). The engine drives it: start, kill
// (the whole node), crash (the role only: its supervisor restarts it),
// partition/heal (the node's heartbeats to the registry are dropped while
// partitioned, through a relay in front of the registry), deregister, slow.
// Included by replay/*.cpp only (it pulls in caf/actor.hpp).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "app/role_box.hpp"
#include "core/errors.hpp"
#include "core/task.hpp"
#include "replay/scenario.hpp"

namespace drover {
class task_store;
struct producer_outcome;
struct run_options;
} // namespace drover

namespace drover::replay {


struct member_slot {
  std::string name;
  bool is_consumer = true;
  consumer_def consumer;
  producer_def producer;
  caf::actor supervisor;                 ///< of the running incarnation; null if down
  caf::actor mailbox;                    ///< its user queues, when users exist
  caf::actor relay;                      ///< stands in for the registry (partitions)
  std::shared_ptr<role_box> role = std::make_shared<role_box>();
  std::shared_ptr<std::atomic<bool>> partitioned = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<uint32_t>> slow_ms = std::make_shared<std::atomic<uint32_t>>(0);
  std::shared_ptr<std::atomic<uint64_t>> executed = std::make_shared<std::atomic<uint64_t>>(0);
  std::shared_ptr<producer_outcome> outcome;
  uint64_t starts = 0;                   ///< starts by the engine (not restarts)
  bool up = false;
};

class sim_cluster {
public:
  /// `deterministic`: the store actor runs on the scheduler (the test
  /// scheduler needs that); otherwise on its own thread.
  sim_cluster(caf::actor_system& sys, const scenario& s, bool deterministic);

  /// Spawns the registry, the store and the manager with the scenario's rules.
  error start_core();
  /// Starts `name` (again): a new supervisor and role, same node name.
  void start(const std::string& name);
  /// Kills the whole node: supervisor and role, with exit_reason::kill.
  void kill(const std::string& name);
  /// Stops only the role with an error: its supervisor restarts it.
  void crash(const std::string& name);
  void set_partitioned(const std::string& name, bool on);
  /// Sends (deregister, info) to the registry on the member's behalf.
  void deregister(const std::string& name);
  void slow(const std::string& name, uint32_t ms);
  /// Every actor gets an exit (user_shutdown).
  void stop_all();

  member_slot* find(const std::string& name);

  caf::actor registry;
  caf::actor store;
  caf::actor manager;
  caf::actor scheduler;  ///< schedules, next to the manager
  std::shared_ptr<task_store> db;
  std::map<std::string, member_slot> members; ///< by node name
  caf::actor courier;                         ///< multi-user data: with cluster.users
  std::map<std::string, uint64_t> user_ids;   ///< user name -> number

private:
  /// The scenario's cluster settings as `drover run` options: what every
  /// node of it would be started with.
  run_options options() const;

  caf::actor_system& sys_;
  const scenario& s_;
  bool deterministic_;
};

} // namespace drover::replay
