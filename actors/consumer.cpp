#include "actors/consumer.hpp"

#include <chrono>
#include <unordered_map>

#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/supervisor.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

struct consumer_state {
  consumer_options opts;
  caf::actor manager;
  std::vector<task_report> reports;  ///< finished, not yet sent
  std::vector<lease_ref> started;    ///< started (longer tasks), not yet sent
  std::unordered_map<task_id, uint64_t> on_timer; ///< time-taking attempts: id -> lease
  bool flush_pending = false;
  bool heartbeating = false;         ///< the heartbeat timer runs
  const assignment* running = nullptr; ///< the attempt inside a handler call right now
  node_agent agent;                  ///< status reports and commands (node_agent.hpp)
  bool reporting = false;            ///< the status timer runs
  static inline const char* name = "consumer";
};

using consumer_ptr = caf::stateful_actor<consumer_state>*;

void flush(consumer_ptr self) {
  auto& st = self->state;
  st.flush_pending = false;
  if (!st.manager)
    return;
  if (!st.started.empty()) {
    self->send(st.manager, started_atom::value, st.opts.info.node, std::move(st.started));
    st.started = {};
  }
  if (!st.reports.empty()) {
    *st.opts.executed += st.reports.size();
    self->send(st.manager, ack_atom::value, st.opts.info.node, std::move(st.reports));
    st.reports = {};
  }
}

void run(consumer_ptr self, assignment& a) {
  auto& st = self->state;
  auto* handler = st.opts.handlers.find(a.type);
  if (handler == nullptr) {
    st.reports.push_back(task_report{a.id, a.lease, task_outcome::failed,
                                     "unknown task type '" + a.type
                                       + "'; this consumer runs: "
                                       + st.opts.handlers.names(),
                                     0});
    return;
  }
  auto t0 = std::chrono::steady_clock::now();
  st.running = &a; // for the exception handler, should the handler throw
  auto res = (*handler)(a.payload, a.attempt);
  st.running = nullptr;
  auto run_us = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - t0)
                                        .count());
  auto outcome = res.ok ? task_outcome::succeeded : task_outcome::failed;
  st.agent.count_run(a.type, run_us);
  if (res.delay.count() == 0) {
    st.reports.push_back(task_report{a.id, a.lease, outcome, std::move(res.result), run_us});
    return;
  }
  // Time-taking work finishes on a timer (virtual in tests), never a sleep.
  st.started.push_back(lease_ref{a.id, a.lease});
  st.on_timer[a.id] = a.lease;
  auto delay_us = static_cast<uint32_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(res.delay).count());
  self->delayed_send(self, res.delay, finish_atom::value,
                     task_report{a.id, a.lease, outcome, std::move(res.result), delay_us});
}

/// Registers (again, after the registry lost track of us); the answer is
/// the manager to ACK to.
void register_self(consumer_ptr self) {
  auto& info = self->state.opts.info;
  info.types = self->state.opts.handlers.types(); // the manager routes by these
  self->request(self->state.opts.registry, std::chrono::seconds(30), register_atom::value, info)
    .then(
      [=](const caf::actor& mgr) {
        auto& st = self->state;
        if (st.manager != mgr) {
          st.manager = mgr;
          self->monitor(mgr);
        }
        log_info("consumer {}: registered (capacity {})", st.opts.info.node,
                 st.opts.info.capacity);
        if (!st.reporting && st.opts.status_every.count() > 0) {
          st.reporting = true;
          self->send(self, nstatus_atom::value); // the first report at once
        }
        if (!st.heartbeating && st.opts.heartbeat.count() > 0) {
          st.heartbeating = true;
          self->delayed_send(self, st.opts.heartbeat, heartbeat_atom::value);
        }
        flush(self);
      },
      [=](caf::error& err) {
        log_error("consumer {}: registration failed: {}", self->state.opts.info.node,
                  self->system().render(err));
        self->quit(); // not a crash: a restart could not reach it either
      });
}

/// A handler threw: that attempt FAILED (retried by the normal rules), then
/// this consumer stops with an error so its supervisor restarts it clean.
caf::error on_handler_crash(consumer_ptr self, std::exception_ptr& ex) {
  auto& st = self->state;
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(ex);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  if (st.running != nullptr) {
    auto& a = *st.running;
    log_error("consumer {}: the {} handler threw on task {}: {}", st.opts.info.node, a.type,
              a.id, what);
    st.reports.push_back(task_report{a.id, a.lease, task_outcome::failed,
                                     "the " + a.type + " handler threw: " + what, 0});
    st.running = nullptr;
  }
  flush(self);
  return caf::make_error(caf::sec::runtime_error, "consumer " + st.opts.info.node
                                                    + " crashed: " + what);
}

// -- node status and commands (issue #9 items 5-6) --

int64_t clock_ms(consumer_ptr self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           self->clock().now().time_since_epoch())
    .count();
}

/// update: re-reads the config file and announces the new tags/capacity
/// (registering again makes the manager take them in).
void update_config(consumer_ptr self, const node_command& c) {
  auto& st = self->state;
  if (!st.agent.hooks().reload)
    return st.agent.record(c.id, command_state::failed,
                           "this node was started without --config: nothing to re-read");
  auto info = st.opts.info;
  if (auto err = st.agent.hooks().reload(info))
    return st.agent.record(c.id, command_state::failed, err.message);
  info.node = st.opts.info.node; // identity never changes live
  info.role = st.opts.info.role;
  st.opts.info = info;
  st.agent.record(c.id, command_state::done,
                  fmt::format("reloaded: tags [{}], capacity {}", fmt::join(info.tags, ","),
                              info.capacity));
  register_self(self);
}

void run_commands(consumer_ptr self, const std::vector<node_command>& cmds) {
  auto& st = self->state;
  bool restart = false;
  for (auto& c : cmds) {
    log_info("consumer {}: command {} #{}", st.opts.info.node, to_string(c.kind), c.id);
    if (st.agent.apply(c))
      continue;
    if (c.kind == command_kind::update)
      update_config(self, c);
    else if (c.kind == command_kind::restart)
      restart = true, st.agent.record(c.id, command_state::running, "restarting its actors");
  }
  if (restart && st.manager) {
    // Tell what ran, then let the supervisor start this role afresh; the
    // new incarnation's first report marks the restart done.
    self->send(st.manager, nstatus_atom::value,
               st.agent.report(st.opts.info, st.on_timer.size(), clock_ms(self)));
    flush(self);
    self->quit(restart_request());
  }
}

void send_status(consumer_ptr self) {
  auto& st = self->state;
  if (!st.manager)
    return;
  auto report = st.agent.report(st.opts.info, st.on_timer.size(), clock_ms(self));
  auto updates = report.commands;
  self->request(st.manager, st.opts.status_every, nstatus_atom::value, std::move(report))
    .then([=](const std::vector<node_command>& cmds) { run_commands(self, cmds); },
          [=](caf::error&) { self->state.agent.requeue(updates); }); // tell them next time
}

caf::behavior consumer(consumer_ptr self, consumer_options opts) {
  self->state.opts = std::move(opts);
  self->state.agent = node_agent{self->state.opts.node};
  self->set_default_handler(caf::print_and_drop);
  self->set_exception_handler(
    [=](caf::scheduled_actor*, std::exception_ptr& ex) { return on_handler_crash(self, ex); });
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source != self->state.manager.address())
      return;
    log_error("consumer {}: lost the manager ({})", self->state.opts.info.node,
              self->system().render(dm.reason));
    // Not a crash: restarting cannot bring the manager back, so the
    // supervisor lets the role end (and the process exits 1).
    self->quit();
  });
  register_self(self);
  return {
    [=](heartbeat_atom) {
      auto& st = self->state;
      send_heartbeat(self, st.opts.registry, st.opts.info, st.opts.heartbeat,
                     [=] { register_self(self); });
    },
    [=](assign_atom, std::vector<assignment>& batch) {
      for (auto& a : batch)
        run(self, a);
      flush(self);
    },
    [=](finish_atom, task_report& r) {
      auto& timers = self->state.on_timer;
      auto i = timers.find(r.id);
      if (i == timers.end() || i->second != r.lease)
        return; // aborted (timeout or cancel): the manager expects no ACK
      timers.erase(i);
      self->state.reports.push_back(std::move(r));
      // Timers that fire together are ACKed together.
      if (!self->state.flush_pending) {
        self->state.flush_pending = true;
        self->send(self, flush_atom::value);
      }
    },
    [=](flush_atom) { flush(self); },
    [=](nstatus_atom) {
      send_status(self);
      self->delayed_send(self, self->state.opts.status_every, nstatus_atom::value);
    },
    // Timed out or cancelled by the manager. Attempts on a timer are dropped;
    // an inline handler has already finished by the time this arrives.
    [=](abort_atom, const std::vector<lease_ref>& refs) {
      for (auto& r : refs) {
        auto i = self->state.on_timer.find(r.id);
        if (i != self->state.on_timer.end() && i->second == r.lease)
          self->state.on_timer.erase(i);
      }
    },
  };
}

} // namespace

caf::actor spawn_consumer(caf::actor_system& sys, consumer_options opts) {
  return sys.spawn(consumer, std::move(opts));
}

} // namespace drover
