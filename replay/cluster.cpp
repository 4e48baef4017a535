// See cluster.hpp. Every node is built by app/roles.hpp, as `drover run`
// builds a process: a supervisor (one-for-one, alerts to the registry) over
// its consumer or producer, so kills, crashes and restarts meet the same
// code as in production. Only the relay in front of the registry, the
// scenario's handlers and its seed are replay's own.
#include "replay/cluster.hpp"

#include <stdexcept>

#include "actors/consumer.hpp"
#include "actors/mailbox.hpp"
#include "actors/manager.hpp"
#include "actors/producer.hpp"
#include "actors/protocol.hpp"
#include "actors/registry.hpp"
#include "actors/courier.hpp"
#include "actors/supervisor.hpp"
#include "app/roles.hpp"
#include "config/options.hpp"
#include "core/handlers.hpp"
#include "rules/rule_set.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"

namespace drover::replay {

namespace {

using std::chrono::milliseconds;

/// Stands in for the registry towards one member. While the member is
/// partitioned its heartbeats are swallowed (never answered), so the
/// registry declares it lost after the missed intervals; after the heal its
/// next heartbeat is refused as unknown and it registers again, as a real
/// member behind a healed network link does. Requests are delegated, so the
/// registry sees the member itself as the sender (it monitors that handle).
caf::behavior relay(caf::event_based_actor* self, caf::actor registry,
                    std::shared_ptr<std::atomic<bool>> cut) {
  self->set_default_handler(caf::print_and_drop);
  return {
    [=](register_atom a, const member_info& info) {
      auto rp = self->make_response_promise();
      rp.delegate(registry, a, info);
      return rp;
    },
    [=](heartbeat_atom a, const member_info& info) {
      auto rp = self->make_response_promise();
      if (!*cut)
        rp.delegate(registry, a, info);
      return rp; // partitioned: left unanswered, the member's request times out
    },
    [=](deregister_atom a, const member_info& info) { self->send(registry, a, info); },
    [=](alert_atom a, const std::string& node, const std::string& text) {
      self->send(registry, a, node, text);
    },
  };
}

/// The built-in handlers plus `crash` (throws while attempt <= payload K;
/// no payload: always), each slowed by the node's current `slow` amount.
handler_registry scenario_handlers(std::shared_ptr<std::atomic<uint32_t>> slow) {
  auto base = builtin_handlers();
  base.add("crash", [](const std::string& payload, uint32_t attempt) -> handler_result {
    if (payload.empty() || attempt <= std::stoul(payload))
      throw std::runtime_error("crash task, attempt " + std::to_string(attempt));
    return handler_result{true, "survived", {}};
  });
  handler_registry out;
  for (auto* name : {"noop", "echo", "sleep", "fail", "burn", "crash"}) {
    out.add(name, [fn = *base.find(name), slow](const std::string& p, uint32_t a) {
      auto r = fn(p, a);
      r.delay += milliseconds(slow->load());
      return r;
    });
  }
  return out;
}

} // namespace

sim_cluster::sim_cluster(caf::actor_system& sys, const scenario& s, bool deterministic)
  : sys_(sys), s_(s), deterministic_(deterministic) {
  for (auto& c : s.cluster.consumers) {
    auto& m = members[c.name];
    m.name = c.name;
    m.consumer = c;
  }
  for (auto& p : s.cluster.producers) {
    auto& m = members[p.name];
    m.name = p.name;
    m.is_consumer = false;
    m.producer = p;
    m.outcome = std::make_shared<producer_outcome>();
  }
}

run_options sim_cluster::options() const {
  auto& c = s_.cluster;
  run_options o;
  o.node = "manager";
  o.store = c.store;
  o.grace_ms = c.grace_ms;
  o.heartbeat_ms = c.heartbeat_ms;
  o.heartbeat_misses = c.heartbeat_misses;
  o.max_restarts = c.max_restarts;
  o.restart_window_ms = c.restart_window_ms;
  o.default_timeout_ms = c.default_timeout_ms;
  o.user_queue = c.user_queue;
  o.status_every_ms = c.status_every_ms;
  o.idle_after_ms = c.idle_after_ms;
  o.min_awake = c.min_awake;
  o.wake_backlog = c.wake_backlog;
  o.queues = c.queues;
  return o;
}

error sim_cluster::start_core() {
  auto o = options();
  const role_env env{0, s_.seed}; // virtual time: no wall offset
  registry = spawn_registry(sys_, registry_options_of(o, env, ""));
  auto opened = open_store(s_.cluster.store);
  if (!opened)
    return opened.err();
  db = std::move(*opened);
  auto mo = manager_options_of(o, env);
  if (!s_.rules_path.empty()) {
    auto rules = load_rules(s_.rules_path);
    if (!rules)
      return rules.err();
    mo.rules = std::make_shared<rule_set>(std::move(*rules));
  }
  manager = spawn_manager_role(sys_, std::move(mo), db, !deterministic_, store,
                               std::make_shared<memory_schedule_store>()); // the scheduler's
  caf::anon_send(registry, manager_atom::value, manager);
  if (!s_.cluster.users.empty()) // users' data needs a courier beside the manager
    courier = spawn_courier_role(sys_, courier_options_of(o, env), false);
  scheduler = spawn_scheduler_role(sys_, env, manager, store); // on the scenario's clock
  for (auto& [name, m] : members)
    m.relay = sys_.spawn(relay, registry, m.partitioned);
  return {};
}

void sim_cluster::start(const std::string& name) {
  auto* m = find(name);
  if (m == nullptr)
    return;
  if (m->up)
    kill(name); // a restart of a running node is a new process
  auto o = options();
  o.node = name;
  auto so = supervisor_options_of(o, name);
  so.alert_to = registry;
  if (m->is_consumer) {
    o.tags = m->consumer.tags;
    o.capacity = m->consumer.capacity;
    o.prefetch = m->consumer.prefetch;
    o.group = ""; // consumers belong to no producer group
    auto co = consumer_options_of(o, name);
    co.registry = m->relay;
    co.handlers = scenario_handlers(m->slow_ms);
    co.executed = m->executed;
    // A fixed host sample keeps the traces of two runs equal.
    co.node.sample = [](int64_t now_ms) { host_sample s; s.at_ms = now_ms; return s; };
    auto mbo = mailbox_options_of(o, name);
    co.node.user_backlog = [b = mbo.backlog] { return b->get(); };
    so.children.push_back(consumer_child(co, m->role));
    if (courier) { // its user queues; in memory: a killed node's queues go with it
      mbo.path = ":memory:";
      mbo.courier = courier;
      m->mailbox = spawn_mailbox_role(sys_, mbo, false);
    }
  } else {
    o.group = m->producer.group;
    auto po = producer_options_of(o, name);
    po.registry = m->relay;
    po.status_every = {}; // replay's traces count the consumers' status reports only
    if (m->producer.job) {
      po.tasks = m->producer.job->tasks;
      po.spec = m->producer.job->spec;
      po.job_name = m->producer.job->name;
      po.list_size = m->producer.job->list_size;
      if (has_parts(*m->producer.job)) { // split and merge: a task per part
        po.specs = specs_of(*m->producer.job);
        po.tasks = po.specs.size();
      }
    }
    po.print_progress = false;
    po.outcome = m->outcome;
    so.children.push_back(producer_child(po, m->role));
  }
  m->supervisor = spawn_supervisor(sys_, std::move(so));
  m->up = true;
  ++m->starts;
}

void sim_cluster::kill(const std::string& name) {
  auto* m = find(name);
  if (m == nullptr || !m->up)
    return;
  caf::anon_send_exit(m->supervisor, caf::exit_reason::kill); // first: no restart
  std::lock_guard<std::mutex> guard{m->role->mtx};
  if (m->role->current)
    caf::anon_send_exit(m->role->current, caf::exit_reason::kill);
  m->supervisor = nullptr;
  if (m->mailbox)
    caf::anon_send_exit(m->mailbox, caf::exit_reason::kill);
  m->mailbox = nullptr;
  m->up = false;
}

void sim_cluster::crash(const std::string& name) {
  auto* m = find(name);
  if (m == nullptr || !m->up)
    return;
  std::lock_guard<std::mutex> guard{m->role->mtx};
  if (m->role->current)
    caf::anon_send_exit(m->role->current, caf::exit_reason::unhandled_exception);
}

void sim_cluster::set_partitioned(const std::string& name, bool on) {
  if (auto* m = find(name))
    *m->partitioned = on;
}

void sim_cluster::deregister(const std::string& name) {
  auto* m = find(name);
  if (m == nullptr)
    return;
  member_info info;
  info.node = name;
  info.role = m->is_consumer ? member_role::consumer : member_role::producer;
  info.group = m->producer.group;
  caf::anon_send(registry, deregister_atom::value, info);
}

void sim_cluster::slow(const std::string& name, uint32_t ms) {
  if (auto* m = find(name))
    *m->slow_ms = ms;
}

void sim_cluster::stop_all() {
  for (auto& [name, m] : members) {
    if (m.supervisor)
      caf::anon_send_exit(m.supervisor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(m.relay, caf::exit_reason::user_shutdown);
    if (m.mailbox)
      caf::anon_send_exit(m.mailbox, caf::exit_reason::user_shutdown);
  }
  if (courier)
    caf::anon_send_exit(courier, caf::exit_reason::user_shutdown);
  for (auto* a : {&scheduler, &manager, &store, &registry})
    if (*a)
      caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
}

member_slot* sim_cluster::find(const std::string& name) {
  auto i = members.find(name);
  return i == members.end() ? nullptr : &i->second;
}

} // namespace drover::replay
