// See cluster.hpp. Every node is built the way app/run.cpp builds a process:
// a supervisor (one-for-one, alerts to the registry) over its consumer or
// producer, so kills, crashes and restarts meet the same code as in
// production. Only the relay in front of the registry is replay's own.
#include "replay/cluster.hpp"

#include <stdexcept>

#include "actors/consumer.hpp"
#include "actors/courier.hpp"
#include "actors/mailbox.hpp"
#include "actors/manager.hpp"
#include "actors/scheduler.hpp"
#include "actors/producer.hpp"
#include "actors/protocol.hpp"
#include "actors/registry.hpp"
#include "actors/store_actor.hpp"
#include "actors/supervisor.hpp"
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

/// Wraps a role's spawn so the slot always knows the latest incarnation.
template <class F>
child_spec tracked(std::string label, std::shared_ptr<role_box> box, F spawn) {
  return child_spec{std::move(label), [box, spawn](caf::actor_system& sys) {
                      auto hdl = spawn(sys);
                      std::lock_guard<std::mutex> guard{box->mtx};
                      box->current = hdl;
                      ++box->spawns;
                      return hdl;
                    }};
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

error sim_cluster::start_core() {
  auto& c = s_.cluster;
  registry_options ro;
  ro.heartbeat = milliseconds(c.heartbeat_ms);
  ro.misses = c.heartbeat_misses;
  registry = spawn_registry(sys_, ro);
  auto opened = open_store("memory");
  if (!opened)
    return opened.err();
  db = std::move(*opened);
  store = spawn_store_actor(sys_, db, !deterministic_,
                            std::make_shared<memory_schedule_store>()); // the scheduler's
  manager_options mo;
  mo.node = "manager";
  mo.grace = milliseconds(c.grace_ms);
  mo.store = store;
  mo.seed = s_.seed;
  mo.default_timeout_ms = c.default_timeout_ms;
  // sleep/wake of idle consumers
  mo.idle = idle_policy{c.idle_after_ms, c.min_awake, c.wake_backlog};
  mo.queues = c.queues; // queue bounds and standby
  if (!s_.rules_path.empty()) {
    auto rules = std::make_shared<rule_set>();
    if (auto e = load_rules(s_.rules_path, *rules))
      return e;
    mo.rules = std::move(rules);
  }
  manager = spawn_manager(sys_, std::move(mo));
  caf::anon_send(registry, manager_atom::value, manager);
  if (!c.users.empty()) { // multi-user data: a courier beside the manager
    courier_options cop;
    cop.node = "manager";
    cop.grace = milliseconds(c.grace_ms);
    cop.seed = s_.seed;
    courier = spawn_courier(sys_, cop, false);
  }
  scheduler_options so; // schedules: on the scenario's clock
  so.manager = manager;
  so.store = store;
  scheduler = spawn_scheduler(sys_, std::move(so));
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
  auto& c = s_.cluster;
  supervisor_options so;
  so.node = name;
  so.max_restarts = c.max_restarts;
  so.within = milliseconds(c.restart_window_ms);
  so.alert_to = registry;
  if (m->is_consumer) {
    consumer_options co;
    co.info = member_info{name, member_role::consumer, m->consumer.tags, m->consumer.capacity,
                          "", "", {}}; // the consumer fills in its types when it registers
    co.registry = m->relay;
    co.heartbeat = milliseconds(c.heartbeat_ms);
    co.handlers = scenario_handlers(m->slow_ms);
    co.executed = m->executed;
    co.status_every = milliseconds(c.status_every_ms); // a fixed host keeps traces equal
    co.node.sample = [](int64_t now_ms) { host_sample s; s.at_ms = now_ms; return s; };
    auto backlog = std::make_shared<user_backlog>(); // this node's, for its reports
    co.node.user_backlog = [backlog] { return backlog->get(); };
    so.children.push_back(tracked("consumer " + name, m->role, [co](caf::actor_system& sys) {
      return spawn_consumer(sys, co);
    }));
    if (courier) { // its user queues; in memory: a killed node's queues go with it
      mailbox_options mbo;
      mbo.node = name;
      mbo.bound = c.user_queue;
      mbo.courier = courier;
      mbo.backlog = backlog;
      m->mailbox = spawn_mailbox(sys_, mbo, false);
    }
  } else {
    producer_options po;
    po.info = member_info{name, member_role::producer, {}, 0, m->producer.group, "", {}};
    po.registry = m->relay;
    po.heartbeat = milliseconds(c.heartbeat_ms);
    if (m->producer.job) {
      po.tasks = m->producer.job->tasks;
      po.spec = m->producer.job->spec;
      po.job_name = m->producer.job->name;
      po.list_size = m->producer.job->list_size;
      if (has_parts(*m->producer.job)) { // split, merge
        po.specs = specs_of(*m->producer.job);
        po.tasks = po.specs.size();
      }
    }
    po.print_progress = false;
    po.outcome = m->outcome;
    so.children.push_back(tracked("producer " + name, m->role, [po](caf::actor_system& sys) {
      return spawn_producer(sys, po);
    }));
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
