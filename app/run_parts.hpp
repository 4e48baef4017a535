// What `drover run` keeps of the roles it started (app/run.cpp), shared
// with the manager side it starts (app/run_manager.cpp). Internal to app/run*.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"
#include "actors/producer.hpp"
#include "app/http_backend.hpp"
#include "app/ready_file.hpp"
#include "app/remote.hpp"
#include "app/role_box.hpp"
#include "app/roles.hpp"
#include "app/run_leader.hpp"
#include "app/run_prepare.hpp"

namespace drover {

/// What the roles of this process are doing, watched by the wait loop.
struct running {
  std::vector<caf::actor> actors;               ///< to stop on shutdown
  std::shared_ptr<std::atomic<int>> stopped = std::make_shared<std::atomic<int>>(0);
  /// The exit code once a role stopped on its own: 1, or 2 when the
  /// registry refused a member's name (another live process runs it).
  std::shared_ptr<std::atomic<int>> stop_code = std::make_shared<std::atomic<int>>(1);
  std::shared_ptr<producer_outcome> job;        ///< set when a producer runs a job
  std::shared_ptr<std::atomic<uint64_t>> executed; ///< set when a consumer runs
  std::string consumer_node;
  std::shared_ptr<role_box> consumer;           ///< its current incarnation, for the drain
  std::shared_ptr<std::atomic<bool>> drained;   ///< set once its drain finished
  // REST, in a process with the manager: the server goes first on the way
  // out (members are destroyed in reverse), then the backend it calls.
  std::unique_ptr<caf_backends> backend;
  std::unique_ptr<http_server> http;  ///< bound by prepare_run, served by start_http
  std::string http_host;
  std::shared_ptr<readiness> ready = std::make_shared<readiness>(); ///< --ready-file
  /// Several registries (--registry=A,B): members follow the leading one.
  std::shared_ptr<registry_rotation> registries;
  caf::actor registry;                      ///< this process's, or the one it joined
  // -- a manager process sharing a PostgreSQL store (app/run_leader.hpp) --
  std::shared_ptr<leader_gate> gate;        ///< REST while standing by; null: not shared
  std::shared_ptr<shared_lease> lease;      ///< released on a clean shutdown
  std::shared_ptr<leader_handoff> handoff = std::make_shared<leader_handoff>();
  caf::actor store;                         ///< the manager's, synced before shutdown
};

/// Stops the wait loop's count when `hdl` ends (and notes a name refusal).
void watch(running& r, const caf::actor& hdl);

/// How members reach the registry again after it went away: over the
/// network to `ep`, or not at all when it lives in this process.
/// `ready`: the process is ready only once this member has joined.
link_options member_link_options(const run_options& o, const endpoint& ep,
                                 bool local_registry, running& r, bool ready);

/// The manager, its store, the courier and the scheduler beside it, and
/// REST in front of them; 2 if one cannot start.
int start_manager_side(caf::actor_system& sys, const run_options& o, const role_env& env,
                       prepared_run& pre, running& r, const caf::actor& registry,
                       const endpoint& ep, uint64_t leader_epoch = 0);

/// A manager process sharing a PostgreSQL store starts as a standby (see
/// app/run_leader.hpp); 2 if it cannot start.
int stand_by(caf::actor_system& sys, const run_options& o, running& r,
             const caf::actor& registry);

/// This process won the lease in `epoch`: fence the store, start leading.
int lead_now(caf::actor_system& sys, const run_options& o, prepared_run& pre, running& r,
             const caf::actor& registry, uint64_t epoch);

/// A deposed leader leaves at once, with deposed_exit_code.
[[noreturn]] void exit_deposed(const run_options& o, readiness& ready);

} // namespace drover
