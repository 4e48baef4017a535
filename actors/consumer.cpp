#include "actors/consumer.hpp"

#include <chrono>

#include "actors/consumer_state.hpp"
#include "actors/member_link.hpp"
#include "actors/protocol_nodes.hpp"
#include "core/log.hpp"

namespace drover {

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

namespace {

task_report report_of(const assignment& a, task_outcome outcome, std::string result,
                      uint32_t run_us = 0) {
  task_report r;
  r.id = a.id;
  r.lease = a.lease;
  r.outcome = outcome;
  r.result = std::move(result);
  r.run_us = run_us;
  return r;
}

exec_request request_of(const assignment& a) {
  int64_t deadline = 0;
  if (a.timeout_ms > 0) // wall clock: the worker compares it with its own
    deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count()
               + a.timeout_ms;
  return exec_request{a.id, a.lease, a.attempt, a.type, a.payload, a.timeout_ms, deadline};
}

/// The attempt runs off the actor from now on; its outcome comes as a message.
void run_elsewhere(consumer_ptr self, const assignment& a) {
  auto& st = self->state;
  st.started.push_back(lease_ref{a.id, a.lease});
  st.running[a.id] = a.lease;
}

void run_inline(consumer_ptr self, assignment& a, const task_handler& handler) {
  auto& st = self->state;
  auto t0 = std::chrono::steady_clock::now();
  st.current = &a; // for the exception handler, should the handler throw
  auto res = handler(a.payload, a.attempt);
  st.current = nullptr;
  auto run_us = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - t0)
                                        .count());
  auto outcome = res.ok ? task_outcome::succeeded : task_outcome::failed;
  st.agent.count_run(a.type, run_us);
  if (res.delay.count() == 0) {
    st.reports.push_back(report_of(a, outcome, std::move(res.result), run_us));
    return;
  }
  // Time-taking work finishes on a timer (virtual in tests), never a sleep.
  run_elsewhere(self, a);
  auto delay_us = static_cast<uint32_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(res.delay).count());
  self->delayed_send(self, res.delay, finish_atom::value,
                     report_of(a, outcome, std::move(res.result), delay_us));
}

/// Runs `a`; an attempt for the users' handlers joins `to_handlers`, which
/// the caller hands to the executors in one go.
void run(consumer_ptr self, assignment& a, std::vector<exec_request>& to_handlers) {
  auto& st = self->state;
  if (auto* handler = st.opts.handlers.find(a.type)) {
    if (!st.opts.handlers.runs_off_actor(a.type))
      return run_inline(self, a, *handler);
    run_elsewhere(self, a);
    return executors_of(self).run_in_pool(*handler, request_of(a));
  }
  if (st.handlers && !st.handlers->handlers.empty()) {
    run_elsewhere(self, a); // exec or worker; an unknown type comes back failed
    return to_handlers.push_back(request_of(a));
  }
  st.reports.push_back(report_of(a, task_outcome::failed,
                                 "unknown task type '" + a.type
                                   + "'; this consumer runs: " + st.opts.handlers.names()));
}

} // namespace

void finished(consumer_ptr self, task_report& r) {
  auto& st = self->state;
  auto i = st.running.find(r.id);
  if (i == st.running.end() || i->second != r.lease)
    return; // aborted (timeout or cancel) or handed back: the manager expects no ACK
  st.running.erase(i);
  st.reports.push_back(std::move(r));
}

void register_self(consumer_ptr self) {
  auto& info = self->state.opts.info;
  info.types = served_types(self); // the manager routes by these
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

namespace {

/// An inline handler threw: that attempt FAILED (retried by the normal
/// rules), then this consumer stops with an error so its supervisor
/// restarts it clean.
caf::error on_handler_crash(consumer_ptr self, std::exception_ptr& ex) {
  auto& st = self->state;
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(ex);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  if (st.current != nullptr) {
    auto& a = *st.current;
    log_error("consumer {}: the {} handler threw on task {}: {}", st.opts.info.node, a.type,
              a.id, what);
    st.reports.push_back(report_of(a, task_outcome::failed,
                                   "the " + a.type + " handler threw: " + what));
    st.current = nullptr;
  }
  flush(self);
  return caf::make_error(caf::sec::runtime_error, "consumer " + st.opts.info.node
                                                    + " crashed: " + what);
}

void on_assign(consumer_ptr self, std::vector<assignment>& batch) {
  auto& st = self->state;
  if (st.draining) { // too late for this consumer: straight back to the manager
    std::vector<lease_ref> refs;
    for (auto& a : batch)
      refs.push_back(lease_ref{a.id, a.lease});
    self->send(st.manager, handback_atom::value, st.opts.info.node, std::move(refs));
    return;
  }
  std::vector<exec_request> to_handlers;
  for (auto& a : batch)
    run(self, a, to_handlers);
  if (!to_handlers.empty())
    executors_of(self).start(std::move(to_handlers));
  flush(self);
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
  start_user_handlers(self);
  register_self(self);
  return {
    [=](heartbeat_atom) {
      auto& st = self->state;
      send_heartbeat(self, st.opts.registry, st.opts.info, st.opts.heartbeat,
                     [=] { register_self(self); });
    },
    [=](assign_atom, std::vector<assignment>& batch) { on_assign(self, batch); },
    [=](finish_atom, task_report& r) { // a timer-finished attempt
      finished(self, r);
      // Timers that fire together are ACKed together.
      if (!self->state.flush_pending) {
        self->state.flush_pending = true;
        self->send(self, flush_atom::value);
      }
      check_drained(self, false);
    },
    [=](finish_atom, std::vector<task_report>& rs) { // a batch from the executors
      for (auto& r : rs)
        finished(self, r);
      flush(self);
      check_drained(self, false);
    },
    [=](flush_atom) { flush(self); },
    [=](nstatus_atom) {
      send_status(self);
      self->delayed_send(self, self->state.opts.status_every, nstatus_atom::value);
    },
    // Timed out or cancelled by the manager: the attempt is dropped and,
    // if it runs in a process, stopped (SIGTERM, then SIGKILL).
    [=](abort_atom, const std::vector<lease_ref>& refs) {
      auto& st = self->state;
      for (auto& r : refs) {
        auto i = st.running.find(r.id);
        if (i == st.running.end() || i->second != r.lease)
          continue;
        st.running.erase(i);
        if (st.exec)
          st.exec->cancel(r.id, r.lease);
      }
      check_drained(self, false);
    },
    [=](register_atom) { register_self(self); }, // the types it runs changed
    [=](handlers_atom) { poll_handlers(self); },
    [=](alert_atom, std::string& text) { // a worker pool is crash-looping
      auto& st = self->state;
      self->send(st.opts.registry, alert_atom::value, st.opts.info.node, std::move(text));
    },
    [=](drain_atom, uint32_t timeout_ms) { start_drain(self, timeout_ms); },
    [=](drain_atom) { check_drained(self, true); }, // the drain timeout passed
  };
}

} // namespace

caf::actor spawn_consumer(caf::actor_system& sys, consumer_options opts) {
  return sys.spawn(consumer, std::move(opts));
}

void send_drain(const caf::actor& consumer, uint32_t timeout_ms) {
  caf::anon_send(consumer, drain_atom::value, timeout_ms);
}

} // namespace drover
