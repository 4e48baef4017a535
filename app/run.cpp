#include "app/run.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include <caf/io/all.hpp>

#include "actors/announcer.hpp"
#include "actors/consumer.hpp"
#include "actors/courier.hpp"
#include "actors/mailbox.hpp"
#include "actors/member_link.hpp"
#include "actors/protocol_data.hpp"
#include "actors/manager.hpp"
#include "app/run_schedules.hpp"
#include "actors/producer.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_leader.hpp"
#include "actors/registry.hpp"
#include "actors/worker_hub.hpp"
#include "actors/store_actor.hpp"
#include "actors/supervisor.hpp"
#include "app/demo.hpp"
#include "app/http_backend.hpp"
#include "app/ready_file.hpp"
#include "app/role_box.hpp"
#include "app/roles.hpp"
#include "app/run_leader.hpp"
#include "app/run_prepare.hpp"
#include "app/remote.hpp"
#include "app/run_wait.hpp"
#include "app/scheduler_tuning.hpp"
#include "config/data_dir.hpp"
#include "core/log.hpp"
#include "core/log_format.hpp"
#include "exec/handler_spec.hpp"
#include "rules/rule_set.hpp"
#include "store/data_store.hpp"
#include "store/task_store.hpp"

namespace drover {

namespace {

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
};

void watch(running& r, const caf::actor& hdl) {
  auto stopped = r.stopped;
  auto code = r.stop_code;
  hdl->attach_functor([stopped, code](const caf::error& reason) {
    if (is_name_refusal(reason))
      *code = 2;
    ++*stopped;
  });
  r.actors.push_back(hdl);
}

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

/// How members reach the registry again after it went away: over the
/// network to `ep`, or not at all when it lives in this process.
/// `ready`: the process is ready only once this member has joined.
link_options member_link_options(const run_options& o, const endpoint& ep,
                                 bool local_registry, running& r, bool ready) {
  link_options lo;
  lo.address = ep.host + ":" + std::to_string(ep.port);
  if (!local_registry && r.registries && r.registries->size() > 1) {
    // Several manager processes: follow the one that leads (a standby's
    // registry names it), and treat a registry that stops answering as gone.
    lo.reconnect = rotating_connector(r.registries,
                                      std::chrono::milliseconds(o.connect_timeout_ms));
    lo.follow = [rot = r.registries](const std::string& leader) { rot->prefer(leader); };
    lo.silent_misses = std::max<uint32_t>(1, o.heartbeat_misses);
    lo.address = o.registry;
    // A takeover is a wait of about a second for the new leader: retry the
    // addresses every 100 ms at most, not 500, so members are back soon after.
    lo.backoff.max = std::chrono::milliseconds(100);
  } else if (!local_registry) {
    lo.reconnect = middleman_connector(ep, std::chrono::milliseconds(o.connect_timeout_ms));
  }
  lo.backoff.give_up_after = std::chrono::milliseconds(o.reconnect_timeout_ms);
  if (ready)
    lo.joined = ready_part(r.ready);
  return lo;
}

/// The update command's re-read of `path` (tags and capacity); null when
/// the process was started without --config.
std::function<error(member_info&)> config_reloader(const std::string& path) {
  if (path.empty())
    return nullptr;
  return [path](member_info& info) {
    run_options fresh;
    if (auto err = load_config_file(path, fresh))
      return err;
    if (fresh.capacity == 0)
      return error{ec::bad_input, path + ": capacity must be at least 1"};
    info.tags = fresh.tags;
    info.capacity = fresh.capacity;
    return error{};
  };
}

/// The consumer's users' handlers (loaded by prepare_run) and where the
/// consumer re-reads them.
void add_user_handlers(const run_options& o, prepared_run& pre, consumer_options& co) {
  co.handlers_in_config = pre.handlers_in_config;
  co.handlers_path = pre.handlers_path;
  co.handlers_poll = std::chrono::milliseconds(o.handlers_poll_ms);
  // A restarted consumer finds the process groups its predecessor left
  // under its stable name; a pid-named one never comes back.
  if (!o.node.empty())
    co.groups_file = o.data_dir + "/exec-groups-" + co.info.node;
  co.user_handlers = pre.handlers;
}

/// The manager, its store, the courier and the scheduler beside it, and
/// REST in front of them; 2 if one cannot start.
int start_manager_side(caf::actor_system& sys, const run_options& o, const role_env& env,
                       prepared_run& pre, running& r, const caf::actor& registry,
                       const endpoint& ep, uint64_t leader_epoch = 0) {
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
  caf::actor sch;
  if (auto err = start_scheduler(sys, o, env, mgr, store, sch)) {
    log_error("schedules: {}", err.message);
    return 2;
  }
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
  if (auto err = fence_store(*pre.store, epoch)) {
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

int start_roles(caf::actor_system& sys, const run_options& o, prepared_run& pre, running& r,
                const std::string& admin_token) {
  const role_env env{wall_offset_ms(sys), 42};
  caf::actor registry;
  endpoint ep;
  if (runs_role(o, "registry")) {
    registry = spawn_registry(sys, registry_options_of(o, env, admin_token));
    watch(r, registry);
    auto listen = parse_endpoint(o.listen, true);
    if (!listen) { // validate() refuses it first; never publish on an empty host
      log_error("--listen: {}", listen.err().message);
      return 2;
    }
    ep = *listen;
    uint16_t port = 0;
    if (auto err = publish_at(sys, registry, ep, port)) {
      log_error("{}", err.message);
      return 2;
    }
    log_info("registry listening on {}:{}", ep.host, port);
    r.ready->registry = ep.host + ":" + std::to_string(port);
  } else {
    auto remote = parse_endpoints(o.registry);
    if (!remote) {
      log_error("--registry: {}", remote.err().message);
      return 2;
    }
    ep = remote->front();
    r.registries = std::make_shared<registry_rotation>(*remote);
    if (auto err = connect_patiently(sys, *r.registries,
                                     std::chrono::milliseconds(o.connect_timeout_ms), registry)) {
      log_error("registry: {}", err.message);
      return 2;
    }
  }
  r.registry = registry;
  if (runs_role(o, "manager")) {
    int code = is_shared_store(o.store) ? stand_by(sys, o, r, registry)
                                         : start_manager_side(sys, o, env, pre, r, registry, ep);
    if (code)
      return code;
  }
  // Consumers and producers run under the process's root supervisor: a crash
  // restarts the role, too many crashes raise an alert and stop it.
  auto so = supervisor_options_of(o, node_name(o, "process"));
  so.alert_to = registry;
  bool local_registry = runs_role(o, "registry");
  if (runs_role(o, "consumer")) {
    auto co = consumer_options_of(o, node_name(o, "consumer"));
    co.registry = registry;
    co.link = member_link_options(o, ep, local_registry, r, true);
    co.node.reload = config_reloader(o.config_path);
    add_user_handlers(o, pre, co);
    r.executed = co.executed;
    r.drained = co.drained;
    // Draining hands tasks back to a manager that lives on; a process that
    // runs the manager too just stops (its store has every task).
    if (!runs_role(o, "manager"))
      r.consumer = std::make_shared<role_box>();
    r.consumer_node = co.info.node;
    auto mbo = mailbox_options_of(o, co.info.node);
    mbo.registry = registry;
    // Ready once the mailbox has its route from the courier too: before
    // that, data sent to this node's users has nowhere to go.
    mbo.link = member_link_options(o, ep, local_registry, r, true);
    co.node.user_backlog = [b = mbo.backlog] { return b->get(); };
    auto mb = spawn_mailbox_role(sys, mbo, mbo.path != ":memory:"); // its file on an I/O thread
    if (!mb)
      return 2;
    watch(r, mb);
    so.children.push_back(consumer_child(co, r.consumer));
  }
  if (runs_role(o, "producer")) {
    auto po = producer_options_of(o, node_name(o, "producer"));
    po.registry = registry;
    po.link = member_link_options(o, ep, local_registry, r, true);
    if (!o.job_file.empty()) { // tasks, split and merge from a job definition
      po.specs = std::move(pre.job.tasks); // read by prepare_run
      po.tasks = po.specs.size();
      po.job_name = pre.job.name;
    }
    if (o.tasks > 0 || !o.job_file.empty())
      r.job = po.outcome;
    so.children.push_back(producer_child(po, nullptr));
  }
  if (!so.children.empty())
    watch(r, spawn_supervisor(sys, std::move(so)));
  return 0;
}

} // namespace

int run_roles(run_options o, const http_flags& http, const std::vector<std::string>& warnings) {
  if (auto f = parse_log_format(o.log_format))
    set_log_format(*f); // first, so every line of this run has the format asked for
  for (auto& w : warnings)
    log_warn("{}", w);
  if (auto err = validate(o)) {
    log_error("{}", err.message);
    return 2;
  }
  if (auto err = settle_data_dir(o)) { // every state file goes under it
    log_error("{}", err.message);
    return 2;
  }
  log_info("data dir: {}", o.data_dir);
  if (o.demo)
    if (auto err = prepare_demo(o)) {
      log_error("{}", err.message);
      return 2;
    }
  // Everything that can be checked, and the REST port, before any role
  // starts or anything else listens.
  prepared_run pre;
  if (auto err = prepare_run(o, http, pre)) {
    log_error("{}", err.message);
    return 2;
  }
  set_log_level(o.log_level == "error"  ? log_level::error
                : o.log_level == "warn" ? log_level::warn
                : o.log_level == "debug" ? log_level::debug
                                         : log_level::info);
  auto signals = block_stop_signals();
  caf::actor_system_config cfg;
  configure_node_links(cfg, o.tls); // TLS when certificates are given
  add_drover_types(cfg);
  add_data_types(cfg);
  if (o.threads > 0)
    cfg.set("scheduler.max-threads", static_cast<size_t>(o.threads));
  tune_scheduler(cfg); // no 50 us sleeps between a message and its worker
  caf::actor_system sys{cfg};
  running r;
  r.ready->node = o.node;
  r.http = std::move(pre.http);
  r.http_host = http.listen.substr(0, http.listen.rfind(':'));
  r.gate = pre.gate;
  int code = start_roles(sys, o, pre, r, http.token);
  if (code == 0 && o.demo) {
    std::fputs(demo_banner(r.ready->http, o.tasks).c_str(), stdout);
    std::fflush(stdout);
  }
  if (code == 0) {
    wait_inputs in{r.job,        r.stopped,   r.stop_code,  r.consumer,
                   r.drained,    o.drain_timeout_ms, r.ready, o.ready_file,
                   o.ready_fd,   o.demo && demo_stays_up(), nullptr};
    if (r.lease) // a shared store: lead once the elector won
      in.poll = [&]() -> int {
        if (r.handoff->deposed)
          return deposed_exit_code;
        if (auto epoch = take_win(*r.handoff))
          if (int failed = lead_now(sys, o, pre, r, r.registry, *epoch))
            return failed;
        return -1;
      };
    code = wait_until_done(signals, in);
  }
  if (r.handoff->deposed)
    exit_deposed(o, *r.ready);
  if (r.http)
    r.http->stop(); // no request may wait on actors that are going away
  // Members first, the registry last (reverse start order): a member that
  // saw its manager or registry go first would report a loss that is only
  // the process shutting down.
  for (auto a = r.actors.rbegin(); a != r.actors.rend(); ++a)
    caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  r.actors.clear();
  // A leader's clean exit frees the lease now, so a standby leads within
  // its next attempt instead of waiting out the TTL. Writes the stopping
  // manager still makes are fenced off once the standby took it.
  if (r.lease && !r.handoff->deposed) // a deposed one holds nothing (and may not reach the database)
    if (auto err = r.lease->release())
      log_warn("leader lease: could not release it ({}); a standby leads once it expires",
               err.message);
  exit_info ended{code, std::nullopt};
  if (r.executed) {
    ended.executed = r.executed->load();
    log_info("consumer {}: executed {} tasks", r.consumer_node, *ended.executed);
  }
  if (!o.ready_file.empty() && r.ready->waiting == 0) { // it was written: say how it ended
    r.ready->exited = ended;
    if (auto err = write_ready_file(o.ready_file, *r.ready))
      log_error("{}", err.message);
  }
  return code;
}

} // namespace drover
