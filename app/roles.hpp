// The roles of a drover process, wired once: run options become each role's
// options here, and the role set is spawned here. `drover run`, replay's
// in-process cluster and the test fixtures all call these functions and
// inject only what differs between them (the clock's wall offset, the seed,
// relays in front of the registry, handlers, the task store).
//
// No CAF headers: tests and replay include this, and a CAF header costs
// every includer seconds of compile time. The option structs and actor
// handles are declared, not defined; the callers that fill them include
// the actor headers they already need.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/errors.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace drover {

struct run_options;
struct registry_options;
struct manager_options;
struct courier_options;
struct supervisor_options;
struct consumer_options;
struct producer_options;
struct mailbox_options;
struct child_spec;
class task_store;
class schedule_store;
struct role_box;

/// What a process's clock and randomness make different between a real
/// process and a scenario on virtual time.
struct role_env {
  int64_t wall_offset_ms = 0; ///< unix ms minus actor-clock ms; 0 on virtual time
  uint64_t seed = 42;         ///< the manager's random strategy, the courier's ids
};

/// Unix ms minus the actor clock's ms, for a process on the real clock.
int64_t wall_offset_ms(caf::actor_system& sys);

/// `o.node`, or "<role>-<pid>" when the process was not named.
std::string node_name(const run_options& o, const char* role);

// -- run options to each role's options --------------------------------

registry_options registry_options_of(const run_options& o, const role_env& env,
                                     const std::string& admin_token);
/// Grace, timeouts, idle policy, queue bounds, seed and wall offset; the
/// store, rules and readiness callback are the caller's to add.
manager_options manager_options_of(const run_options& o, const role_env& env);
/// The courier beside the manager: its data store follows `o.store`.
courier_options courier_options_of(const run_options& o, const role_env& env);
/// A process's root supervisor; `alert_to` is left for the caller.
supervisor_options supervisor_options_of(const run_options& o, const std::string& node);
/// A consumer named `node`: tags, capacity, group, heartbeat, status
/// reports, handler polling. Registry, link and handlers are the caller's.
consumer_options consumer_options_of(const run_options& o, const std::string& node);
/// A producer named `node` with the job `o` describes (type, payload,
/// priority, attempts, timeout, run identity, list size).
producer_options producer_options_of(const run_options& o, const std::string& node);
/// The user queues of consumer `node`: on disk under `o.data_dir` when the
/// node has a stable name, in memory otherwise.
mailbox_options mailbox_options_of(const run_options& o, const std::string& node);

// -- spawning ------------------------------------------------------------

/// The store actor over `db` (and `schedules`, kept on the same thread so
/// the file has one writer) and the manager on it; `store` receives the
/// store actor's handle. Only a store that does disk I/O gets a thread of
/// its own: the memory store never blocks, and waking a thread per request
/// cost ~25-40 % of the one-task latency (bench W3). The test scheduler
/// needs `does_io` false.
caf::actor spawn_manager_role(caf::actor_system& sys, manager_options mo,
                              std::shared_ptr<task_store> db, bool does_io, caf::actor& store,
                              std::shared_ptr<schedule_store> schedules = nullptr);

/// The courier beside the manager; null (and logged) if its store cannot
/// be opened. The courier stays on the scheduler (remote mailboxes know
/// it); with `io_thread` its commits run on a store worker's thread.
caf::actor spawn_courier_role(caf::actor_system& sys, const courier_options& co, bool io_thread);

/// The scheduler beside `manager`, keeping schedules through `store` (the
/// store actor, which owns the schedule store beside the tasks).
caf::actor spawn_scheduler_role(caf::actor_system& sys, const role_env& env, caf::actor manager,
                                caf::actor store);

/// A mailbox; with `io_thread` its file is written on a worker thread. Null
/// and logged on failure.
caf::actor spawn_mailbox_role(caf::actor_system& sys, const mailbox_options& mo, bool io_thread);

/// Supervisor children that start a consumer / producer and record each
/// incarnation in `box` (may be null), so kills, drains and crashes reach
/// the current one.
child_spec consumer_child(const consumer_options& co, std::shared_ptr<role_box> box);
child_spec producer_child(const producer_options& po, std::shared_ptr<role_box> box);

} // namespace drover
