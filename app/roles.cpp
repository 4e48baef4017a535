// See roles.hpp. Each role's options are derived from run options here and
// nowhere else, so a new role option is added once and reaches `drover run`,
// replay and the tests alike.
#include "app/roles.hpp"

#include <unistd.h>

#include <chrono>

#include <caf/actor_system.hpp>

#include "actors/consumer.hpp"
#include "actors/courier.hpp"
#include "actors/mailbox.hpp"
#include "actors/manager.hpp"
#include "actors/producer.hpp"
#include "actors/registry.hpp"
#include "actors/scheduler.hpp"
#include "actors/store_actor.hpp"
#include "actors/supervisor.hpp"
#include "app/role_box.hpp"
#include "config/options.hpp"
#include "core/lease_window.hpp"
#include "store/data_store.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"

namespace drover {

using std::chrono::milliseconds;

int64_t wall_offset_ms(caf::actor_system& sys) {
  using namespace std::chrono;
  auto wall = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  auto mono = duration_cast<milliseconds>(sys.clock().now().time_since_epoch()).count();
  return wall - mono;
}

std::string node_name(const run_options& o, const char* role) {
  if (!o.node.empty())
    return o.node;
  return std::string{role} + "-" + std::to_string(::getpid());
}

registry_options registry_options_of(const run_options& o, const role_env& env,
                                     const std::string& admin_token) {
  return registry_options{milliseconds(o.heartbeat_ms), o.heartbeat_misses, env.wall_offset_ms,
                          admin_token};
}

manager_options manager_options_of(const run_options& o, const role_env& env) {
  manager_options mo;
  mo.node = node_name(o, "manager");
  mo.grace = milliseconds(o.grace_ms);
  mo.seed = env.seed;
  mo.default_timeout_ms = o.default_timeout_ms;
  mo.idle = idle_policy{o.idle_after_ms, o.min_awake, o.wake_backlog};
  mo.queues = o.queues;
  mo.wall_offset_ms = env.wall_offset_ms;
  mo.rules_poll = milliseconds(o.rules_poll_ms);
  mo.store_name = store_label(o.store); // shown on GET /v1/manager: no password
  return mo;
}

courier_options courier_options_of(const run_options& o, const role_env& env) {
  courier_options co;
  co.node = node_name(o, "manager");
  co.store_path = data_store_path(o.store, o.data_dir, co.node);
  co.grace = milliseconds(o.grace_ms);
  co.seed = env.seed;
  co.wall_offset_ms = env.wall_offset_ms;
  co.sync = durability_of(o);
  return co;
}

supervisor_options supervisor_options_of(const run_options& o, const std::string& node) {
  supervisor_options so;
  so.node = node;
  so.max_restarts = o.max_restarts;
  so.within = milliseconds(o.restart_window_ms);
  return so;
}

consumer_options consumer_options_of(const run_options& o, const std::string& node) {
  consumer_options co;
  co.info = member_info{node, member_role::consumer, o.tags, o.capacity, o.group, "", {}};
  auto prefetch = announced_prefetch(o.capacity, o.prefetch); // validated with the other flags
  co.info.prefetch = prefetch ? *prefetch : prefetch_for(o.capacity, auto_prefetch);
  co.heartbeat = milliseconds(o.heartbeat_ms);
  co.status_every = milliseconds(o.status_every_ms);
  co.handlers_poll = milliseconds(o.handlers_poll_ms);
  return co;
}

producer_options producer_options_of(const run_options& o, const std::string& node) {
  producer_options po;
  po.info = member_info{node, member_role::producer, {}, 0, o.group, "", {}};
  po.heartbeat = milliseconds(o.heartbeat_ms);
  po.tasks = o.tasks;
  po.spec = o.task;
  po.job_name = o.job;
  po.run = o.run;
  po.idempotency_key = o.idempotency_key;
  po.list_size = o.list_size;
  po.print_progress = !o.quiet;
  po.status_every = milliseconds(o.status_every_ms);
  return po;
}

mailbox_options mailbox_options_of(const run_options& o, const std::string& node) {
  mailbox_options mo;
  mo.node = node;
  // A pid-named node never comes back under its name, so its queues need
  // no file: the courier re-sends whatever it had after the grace.
  mo.path = o.node.empty() ? std::string{":memory:"} : mailbox_path(o.data_dir, node);
  mo.bound = o.user_queue;
  mo.sync = durability_of(o);
  mo.topology_every = milliseconds(o.topology_ms);
  mo.backlog = std::make_shared<user_backlog>(); // this node's, read by its status reports
  return mo;
}

caf::actor spawn_manager_role(caf::actor_system& sys, manager_options mo,
                              std::shared_ptr<task_store> db, bool does_io, caf::actor& store,
                              std::shared_ptr<schedule_store> schedules) {
  store = spawn_store_actor(sys, std::move(db), does_io, std::move(schedules), mo.on_fenced);
  mo.store = store;
  return spawn_manager(sys, std::move(mo));
}

caf::actor spawn_courier_role(caf::actor_system& sys, const courier_options& co, bool io_thread) {
  return spawn_courier(sys, co, io_thread);
}

caf::actor spawn_scheduler_role(caf::actor_system& sys, const role_env& env, caf::actor manager,
                                caf::actor store) {
  scheduler_options so;
  so.manager = std::move(manager);
  so.store = std::move(store);
  so.wall_offset_ms = env.wall_offset_ms;
  return spawn_scheduler(sys, std::move(so));
}

caf::actor spawn_mailbox_role(caf::actor_system& sys, const mailbox_options& mo, bool io_thread) {
  return spawn_mailbox(sys, mo, io_thread);
}

namespace {

template <class Spawn>
child_spec tracked(std::string label, std::shared_ptr<role_box> box, Spawn spawn) {
  return child_spec{std::move(label), [box, spawn](caf::actor_system& sys) {
                      auto hdl = spawn(sys);
                      if (box) {
                        std::lock_guard<std::mutex> guard{box->mtx};
                        box->current = hdl;
                        ++box->spawns;
                      }
                      return hdl;
                    }};
}

} // namespace

child_spec consumer_child(const consumer_options& co, std::shared_ptr<role_box> box) {
  return tracked("consumer " + co.info.node, std::move(box),
                 [co](caf::actor_system& sys) { return spawn_consumer(sys, co); });
}

child_spec producer_child(const producer_options& po, std::shared_ptr<role_box> box) {
  return tracked("producer " + po.info.node, std::move(box),
                 [po](caf::actor_system& sys) { return spawn_producer(sys, po); });
}

} // namespace drover
