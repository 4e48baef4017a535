#include "app/run.hpp"
#include "app/run_parts.hpp"

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
#include "actors/protocol_links.hpp"
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
#include "core/lease_window.hpp"
#include "core/log.hpp"
#include "core/log_format.hpp"
#include "exec/handler_spec.hpp"
#include "rules/rule_set.hpp"
#include "store/data_store.hpp"
#include "store/task_store.hpp"

namespace drover {


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
    auto prefetch = announced_prefetch(fresh.capacity, fresh.prefetch);
    if (!prefetch)
      return error{ec::bad_input, path + ": prefetch: " + prefetch.err().message};
    info.tags = fresh.tags;
    info.capacity = fresh.capacity;
    info.prefetch = *prefetch;
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
    auto port = publish_at(sys, registry, ep);
    if (!port) {
      log_error("{}", port.err().message);
      return 2;
    }
    log_info("registry listening on {}:{}", ep.host, *port);
    r.ready->registry = ep.host + ":" + std::to_string(*port);
  } else {
    auto remote = parse_endpoints(o.registry);
    if (!remote) {
      log_error("--registry: {}", remote.err().message);
      return 2;
    }
    ep = remote->front();
    r.registries = std::make_shared<registry_rotation>(*remote);
    auto connected = connect_patiently(sys, *r.registries,
                                       std::chrono::milliseconds(o.connect_timeout_ms));
    if (!connected) {
      log_error("registry: {}", connected.err().message);
      return 2;
    }
    registry = std::move(*connected);
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
  auto prepared = prepare_run(o, http);
  if (!prepared) {
    log_error("{}", prepared.err().message);
    return 2;
  }
  prepared_run& pre = *prepared;
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
  if (code != 0 && r.actors.empty()) {
    // Nothing of ours runs (the registry could not be reached), but CAF's
    // middleman may still hold a half-finished connection (a plain node at
    // a TLS registry) whose teardown waits on the peer: leave at once.
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(code);
  }
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
  if (r.store) { // what the manager acted on reaches the disk before its store goes
    caf::scoped_actor self{sys};
    self->request(r.store, std::chrono::seconds(10), sync_atom::value)
      .receive([] {},
               [&](const caf::error& err) {
                 log_warn("store: the last changes may not be stored ({})", sys.render(err));
               });
  }
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
