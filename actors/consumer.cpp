#include "actors/consumer.hpp"

#include <chrono>

#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/supervisor.hpp"
#include "core/lease_book.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

/// How long an ACK waits for the manager to store it before it is sent again.
constexpr auto ack_timeout = std::chrono::seconds(30);

struct consumer_state {
  consumer_options opts;
  caf::actor manager;                ///< null while the link finds it again
  member_link link;                  ///< registry + manager, reconnecting
  lease_book book;                   ///< running attempts; reports until stored
  std::vector<lease_ref> started;    ///< started (longer tasks), not yet sent
  bool flush_pending = false;
  bool heartbeating = false;         ///< the heartbeat timer runs
  const assignment* running = nullptr; ///< the attempt inside a handler call right now
  node_agent agent;                  ///< status reports and commands (node_agent.hpp)
  bool reporting = false;            ///< the status timer runs
  static inline const char* name = "consumer";
};

using consumer_ptr = caf::stateful_actor<consumer_state>*;

/// Sends what finished; the reports stay in the book until the manager says
/// they are stored, so none is lost with a manager that dies meanwhile.
void flush(consumer_ptr self) {
  auto& st = self->state;
  st.flush_pending = false;
  if (!st.manager)
    return; // kept: sent once the manager is back
  if (!st.started.empty()) {
    self->send(st.manager, started_atom::value, st.opts.info.node, std::move(st.started));
    st.started = {};
  }
  std::vector<task_report> batch;
  auto seq = st.book.take_batch(batch);
  if (seq == 0)
    return;
  self->request(st.manager, ack_timeout, ack_atom::value, st.opts.info.node, std::move(batch))
    .then([=] { self->state.book.confirmed(seq); },
          [=](caf::error&) {
            // Not stored in time: send it again (the version check makes a
            // second copy harmless), now if the manager is still there.
            self->state.book.unconfirmed(seq);
            if (self->state.manager)
              self->send(self, flush_atom::value);
          });
}

void schedule_flush(consumer_ptr self) {
  if (!self->state.flush_pending) {
    self->state.flush_pending = true;
    self->send(self, flush_atom::value);
  }
}

/// An attempt ended: journal it and keep its report for the next flush.
/// False if it was aborted while it ran (the manager expects no report).
bool finish_attempt(consumer_ptr self, task_report r, uint32_t attempt, bool was_started) {
  auto& st = self->state;
  if (was_started && !st.book.is_running(r.id, r.lease))
    return false;
  if (st.opts.journal)
    st.opts.journal->record(r.id, attempt, r.lease, r.outcome);
  ++*st.opts.executed;
  st.book.finished(std::move(r), was_started);
  return true;
}

void run(consumer_ptr self, assignment& a) {
  auto& st = self->state;
  auto* handler = st.opts.handlers.find(a.type);
  if (handler == nullptr) {
    finish_attempt(self,
                   task_report{a.id, a.lease, task_outcome::failed,
                               "unknown task type '" + a.type + "'; this consumer runs: "
                                 + st.opts.handlers.names(),
                               0},
                   a.attempt, false);
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
    finish_attempt(self, task_report{a.id, a.lease, outcome, std::move(res.result), run_us},
                   a.attempt, false);
    return;
  }
  // Time-taking work finishes on a timer (virtual in tests), never a sleep.
  st.started.push_back(lease_ref{a.id, a.lease});
  st.book.started(a.id, a.lease);
  auto delay_us = static_cast<uint32_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(res.delay).count());
  self->delayed_send(self, res.delay, finish_atom::value,
                     task_report{a.id, a.lease, outcome, std::move(res.result), delay_us},
                     a.attempt);
}

/// The manager (new, or the same after a break): tell it which leases we
/// hold, so it keeps them instead of moving their tasks, and send again
/// every report it has not confirmed.
void on_joined(consumer_ptr self, const caf::actor& mgr, bool again) {
  auto& st = self->state;
  st.manager = mgr;
  self->send(mgr, leases_atom::value, st.opts.info.node, st.book.held());
  if (again)
    st.book.resend_all();
  log_info("consumer {}: registered (capacity {}{})", st.opts.info.node, st.opts.info.capacity,
           again ? fmt::format(", holding {} leases", st.book.running()
                                                         + st.book.unconfirmed_reports())
                 : std::string{});
  if (!st.reporting && st.opts.status_every.count() > 0) {
    st.reporting = true;
    self->send(self, nstatus_atom::value); // the first report at once
  }
  if (!st.heartbeating && st.opts.heartbeat.count() > 0) {
    st.heartbeating = true;
    self->delayed_send(self, st.opts.heartbeat, heartbeat_atom::value);
  }
  flush(self);
}

/// Joins through the registry (and again whenever the manager or the
/// registry went away); the registry's answer is the manager to ACK to.
void start_link(consumer_ptr self) {
  auto& st = self->state;
  member_link::hooks h;
  h.join = member_link::registering(self, [=] { return self->state.opts.info; });
  h.joined = [=](const caf::actor& mgr, bool again) { on_joined(self, mgr, again); };
  h.lost = [=] { self->state.manager = nullptr; };
  h.gave_up = [=](const std::string&) { self->quit(); }; // logged by the link
  st.link.start(self, "consumer " + st.opts.info.node, st.opts.link, st.opts.registry,
                std::move(h));
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
    finish_attempt(self, task_report{a.id, a.lease, task_outcome::failed,
                                     "the " + a.type + " handler threw: " + what, 0},
                   a.attempt, false);
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
  st.link.rejoin();
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
               st.agent.report(st.opts.info, st.book.running(), clock_ms(self)));
    flush(self);
    self->quit(restart_request());
  }
}

void send_status(consumer_ptr self) {
  auto& st = self->state;
  if (!st.manager)
    return;
  auto report = st.agent.report(st.opts.info, st.book.running(), clock_ms(self));
  auto updates = report.commands;
  self->request(st.manager, st.opts.status_every, nstatus_atom::value, std::move(report))
    .then([=](const std::vector<node_command>& cmds) { run_commands(self, cmds); },
          [=](caf::error&) { self->state.agent.requeue(updates); }); // tell them next time
}

caf::behavior consumer(consumer_ptr self, consumer_options opts) {
  self->state.opts = std::move(opts);
  self->state.agent = node_agent{self->state.opts.node};
  ignore_strays(self, "consumer " + self->state.opts.info.node);
  self->set_exception_handler(
    [=](caf::scheduled_actor*, std::exception_ptr& ex) { return on_handler_crash(self, ex); });
  // Losing the manager or the registry is not a crash: the link finds them
  // again (or gives up after --reconnect-timeout and stops this role).
  self->set_down_handler([=](caf::down_msg& dm) { self->state.link.on_down(dm); });
  start_link(self);
  return {
    [=](heartbeat_atom) {
      auto& st = self->state;
      send_heartbeat(self, st.link.registry(), st.opts.info, st.opts.heartbeat,
                     [=] { self->state.link.rejoin(); });
    },
    [=](reconnect_atom, uint64_t gen) { self->state.link.on_retry(gen); },
    [=](assign_atom, std::vector<assignment>& batch) {
      for (auto& a : batch)
        run(self, a);
      flush(self);
    },
    [=](finish_atom, task_report& r, uint32_t attempt) {
      // Timers that fire together are ACKed together.
      if (finish_attempt(self, std::move(r), attempt, true))
        schedule_flush(self);
    },
    [=](flush_atom) { flush(self); },
    [=](nstatus_atom) {
      send_status(self);
      self->delayed_send(self, self->state.opts.status_every, nstatus_atom::value);
    },
    // Timed out or cancelled by the manager. Attempts on a timer are dropped;
    // an inline handler has already finished by the time this arrives.
    [=](abort_atom, const std::vector<lease_ref>& refs) {
      for (auto& r : refs)
        self->state.book.drop(r.id, r.lease);
    },
  };
}

} // namespace

caf::actor spawn_consumer(caf::actor_system& sys, consumer_options opts) {
  return sys.spawn(consumer, std::move(opts));
}

} // namespace drover
