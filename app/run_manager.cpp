// The manager side of `drover run`: the manager with its store, courier,
// scheduler and worker hub, REST in front of them, and for managers that
// share a PostgreSQL store the standby, the takeover and the step-down.
#include "app/run_parts.hpp"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/announcer.hpp"
#include "actors/courier.hpp"
#include "actors/manager.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_data.hpp"
#include "actors/protocol_leader.hpp"
#include "actors/store_actor.hpp"
#include "actors/worker_hub.hpp"
#include "app/run_schedules.hpp"
#include "core/log.hpp"
#include "store/leader_lease.hpp"
#include "store/task_store.hpp"

namespace drover {

namespace {

/// Serves REST in front of the manager on the port prepare_run bound; 2 if
/// it cannot start.
int start_http(caf::actor_system& sys, caf::actor mgr, caf::actor registry,
               const std::string& node, running& r, caf::actor courier, std::size_t max_data,
               caf::actor scheduler, caf::actor worker_hub) {
  if (!r.http)
    return 0; // --http=off
  caf_backend_options bo{std::move(mgr), std::move(registry), node};
  bo.courier = std::move(courier); // null: the data routes answer 503
  bo.max_data = max_data;
  bo.scheduler = std::move(scheduler); // null: the schedule routes answer 503
  bo.worker_hub = std::move(worker_hub);
  r.backend = std::make_unique<caf_backends>(sys, bo);
  // A standby served behind its gate so far: its leader's routes take over.
  auto err = r.gate ? r.http->serve_more(r.backend->bundle()) : r.http->serve(r.backend->bundle());
  if (err) {
    log_error("http: {}", err.message);
    return 2;
  }
  if (r.gate)
    r.gate->lead();
  log_info("http listening on {}:{}{}", r.http_host, r.http->port(),
           r.http->tls() ? " with TLS" : "");
  r.ready->http = r.http_host + ":" + std::to_string(r.http->port());
  return 0;
}

} // namespace

/// The manager, its store, the courier and the scheduler beside it, and
/// REST in front of them; 2 if one cannot start.
int start_manager_side(caf::actor_system& sys, const run_options& o, const role_env& env,
                       prepared_run& pre, running& r, const caf::actor& registry,
                       const endpoint& ep, uint64_t leader_epoch) {
  auto mo = manager_options_of(o, env);
  mo.leader_epoch = leader_epoch;
  if (r.gate)
    mo.on_fenced = [h = r.handoff](const std::string& why) {
      step_down_now(*h, "the store refused a write: " + why);
    };
  // GET /v1/manager: where members register, with the port the OS picked.
  mo.listen = r.ready->registry.empty() ? o.registry : r.ready->registry;
  if (pre.rules) {
    mo.rules = std::move(pre.rules);
    mo.rules_path = pre.rules_path;
  }
  mo.on_ready = [ready = r.ready, part = ready_part(r.ready)](const recovery_counts& found) {
    ready->recovered = found; // before the part is marked: the file is written after
    part();
  };
  caf::actor store;
  auto mgr = spawn_manager_role(sys, std::move(mo), std::move(pre.store), o.store != "memory",
                                store, std::move(pre.schedules));
  watch(r, store);
  r.store = store;
  watch(r, mgr);
  if (r.gate) // a step-down stops these two at once
    adopt_leader_side(*r.handoff, {mgr, store});
  bool local_registry = runs_role(o, "registry");
  if (local_registry)
    caf::anon_send(registry, manager_atom::value, mgr);
  log_info("manager started with store {}", store_label(o.store));
  // Its commits, one per REST call or batch, run on its store worker's thread.
  auto cop = courier_options_of(o, env);
  auto courier = spawn_courier_role(sys, cop, cop.store_path != ":memory:");
  if (!courier)
    return 2;
  watch(r, courier);
  if (local_registry) {
    caf::anon_send(registry, courier_atom::value, courier);
  } else { // told again whenever the registry's process restarts
    announcer_options ao;
    ao.link = member_link_options(o, ep, false, r, false);
    ao.link.registry = registry;
    ao.manager = mgr;
    ao.courier = courier;
    watch(r, spawn_announcer(sys, std::move(ao)));
  }
  auto started = start_scheduler(sys, o, env, mgr, store);
  if (!started) {
    log_error("schedules: {}", started.err().message);
    return 2;
  }
  caf::actor sch = *started;
  watch(r, sch);
  // Remote workers over HTTP join as members through the same registry.
  auto hub = spawn_worker_hub(
    sys, worker_hub_options{mgr, registry, member_link_options(o, ep, local_registry, r, false),
                            std::chrono::milliseconds(o.heartbeat_ms),
                            std::chrono::milliseconds(o.grace_ms)});
  watch(r, hub);
  return start_http(sys, mgr, registry, node_name(o, "manager"), r, courier, o.max_data, sch,
                    hub);
}

/// A manager process sharing a PostgreSQL store starts as a standby: its
/// registry refuses members (naming the leader), its REST answers 503 behind
/// the gate, and its elector competes for the lease; lead_now() takes over
/// once it wins. 2 if it cannot start.
int stand_by(caf::actor_system& sys, const run_options& o, running& r,
             const caf::actor& registry) {
  if (!runs_role(o, "registry")) {
    log_error("--store={}: manager processes that share a PostgreSQL store each run their "
              "own registry (members follow the leader's): add registry to --role", o.store);
    return 2;
  }
  caf::anon_send(registry, leader_atom::value, std::string{}); // no leader known yet
  if (r.http) {
    if (auto err = r.http->serve(http_backends{})) {
      log_error("http: {}", err.message);
      return 2;
    }
    r.ready->http = r.http_host + ":" + std::to_string(r.http->port());
    log_info("http listening on {}:{} (standing by)", r.http_host, r.http->port());
  }
  leader_address here{r.ready->registry, r.ready->http.empty() ? std::string{}
                                          : std::string{r.http->tls() ? "https://" : "http://"}
                                              + r.ready->http};
  auto holder = node_name(o, "manager") + "@" + std::to_string(::getpid());
  auto lease = open_leader_lease(o.store, holder, encode_leader_address(here),
                                 lease_timing{}.ttl_ms);
  if (!lease) {
    log_error("leader lease: {}", lease.err().message);
    return 2;
  }
  r.lease = std::make_shared<shared_lease>(std::move(*lease));
  r.handoff->stop_code = r.stop_code;
  watch(r, start_elector(sys, r.lease, r.handoff, r.gate, registry));
  log_info("manager: standing by for the leader lease as {}", holder);
  return 0;
}

/// This process won the lease in `epoch`: the store is fenced with it, then
/// the manager side starts (recovery first) and REST serves it.
int lead_now(caf::actor_system& sys, const run_options& o, prepared_run& pre, running& r,
             const caf::actor& registry, uint64_t epoch) {
  if (auto err = fence_store(*pre.store, pre.schedules.get(), epoch)) {
    step_down_now(*r.handoff, "cannot fence the store with epoch " + std::to_string(epoch)
                                + ": " + err.message);
    return deposed_exit_code;
  }
  log_info("manager: leading in epoch {}; loading the store", epoch);
  const role_env env{wall_offset_ms(sys), 42};
  endpoint none;
  return start_manager_side(sys, o, env, pre, r, registry, none, epoch);
}

/// A deposed leader leaves at once: its store and lease calls may hang on a
/// database it can no longer reach (and would be refused anyway), and no
/// part of it may act after the step-down. Its manager is already killed.
[[noreturn]] void exit_deposed(const run_options& o, readiness& ready) {
  if (!o.ready_file.empty() && ready.waiting == 0) {
    ready.exited = exit_info{deposed_exit_code, std::nullopt};
    (void)write_ready_file(o.ready_file, ready); // best effort on the way out
  }
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(deposed_exit_code);
}

} // namespace drover
