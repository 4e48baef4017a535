#include "actors/consumer.hpp"

#include <algorithm>
#include <chrono>

#include "actors/consumer_state.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_nodes.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

/// How long an ACK waits for the manager to store it before it is sent again.
constexpr auto ack_timeout = std::chrono::seconds(30);

int64_t ack_timeout_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(ack_timeout).count();
}

/// One timer for every ACK in flight, not one per request: a request's own
/// timeout wakes CAF's clock thread on every ACK, on the path of each task.
void arm_ack_check(consumer_ptr self) {
  auto& st = self->state;
  auto due = st.book.next_due_ms(ack_timeout_ms());
  if (st.ack_check_armed || !due)
    return;
  st.ack_check_armed = true;
  auto wait = std::max<int64_t>(0, *due - clock_ms(self));
  self->delayed_send(self, std::chrono::milliseconds(wait), timeout_atom::value,
                     ack_atom::value);
}

/// Sends again the reports whose ACK the manager did not confirm in time.
void check_overdue_acks(consumer_ptr self) {
  auto& st = self->state;
  st.ack_check_armed = false;
  // Not stored in time: send it again (the version check makes a second
  // copy harmless), now if the manager is still there.
  if (st.book.resend_overdue(clock_ms(self), ack_timeout_ms()) > 0 && st.manager)
    flush(self);
  arm_ack_check(self);
}

} // namespace

void flush(consumer_ptr self) {
  auto& st = self->state;
  st.flush_pending = false;
  if (!st.manager)
    return; // kept: sent once the manager is back
  if (!st.started.empty()) {
    self->send(st.manager, started_atom::value, st.opts.info.node, std::move(st.started));
    st.started = {};
  }
  auto batch = st.book.take_batch(clock_ms(self));
  if (!batch)
    return;
  auto seq = batch->seq;
  // No timeout of its own: check_overdue_acks sends again what is not
  // confirmed in time.
  self->request(st.manager, caf::infinite, ack_atom::value, st.opts.info.node,
                std::move(batch->reports))
    .then(
      [=] {
        self->state.book.confirmed(seq);
        check_drained(self, false); // a drain waits for its results to be stored
      },
      [=](caf::error&) {
        // The manager could not store it: send it again, now if the manager
        // is still there.
        self->state.book.unconfirmed(seq);
        if (self->state.manager)
          self->send(self, flush_atom::value);
      });
  arm_ack_check(self);
}

namespace {

void schedule_flush(consumer_ptr self) {
  if (!self->state.flush_pending) {
    self->state.flush_pending = true;
    self->send(self, flush_atom::value);
  }
}

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
  st.book.started(a.id, a.lease);
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
    finish_attempt(self, report_of(a, outcome, std::move(res.result), run_us), false);
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
  finish_attempt(self,
                 report_of(a, task_outcome::failed,
                           "unknown task type '" + a.type
                             + "'; this consumer runs: " + st.opts.handlers.names()),
                 false);
}

} // namespace

bool start_waiting(consumer_ptr self) {
  auto& st = self->state;
  if (st.draining || st.waiting.empty())
    return false;
  std::vector<exec_request> to_handlers;
  bool started = false;
  while (auto a = st.waiting.next(st.book.running(), st.opts.info.capacity)) {
    run(self, *a, to_handlers);
    started = true;
  }
  if (!to_handlers.empty())
    executors_of(self).start(std::move(to_handlers));
  return started;
}

std::vector<lease_ref> held_leases(const consumer_state& st) {
  auto out = st.book.held();
  auto waiting = st.waiting.leases();
  out.insert(out.end(), waiting.begin(), waiting.end());
  return out;
}

bool finish_attempt(consumer_ptr self, task_report r, bool off_actor) {
  auto& st = self->state;
  if (!st.book.finished(std::move(r), off_actor))
    return false; // aborted (timeout or cancel) or handed back
  ++*st.opts.executed;
  return true;
}

void register_self(consumer_ptr self) {
  self->state.link.rejoin();
}

namespace {

/// The manager (new, or the same after a break): tell it which leases we
/// hold, so it keeps them instead of moving their tasks, and send again
/// every report it has not confirmed. A drain under way is told again.
void on_joined(consumer_ptr self, const caf::actor& mgr, bool again) {
  auto& st = self->state;
  st.manager = mgr;
  self->send(mgr, leases_atom::value, st.opts.info.node, held_leases(st));
  if (again)
    st.book.resend_all();
  if (st.draining)
    self->send(mgr, drain_atom::value, st.opts.info.node);
  log_info("consumer {}: registered (capacity {}{})", st.opts.info.node, st.opts.info.capacity,
           again ? fmt::format(", holding {} leases",
                               st.book.running() + st.book.unconfirmed_reports())
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
  // The task types are filled in at every (re-)registration - at start,
  // after a handler swap, when a worker pool's types change, after a
  // reconnect - so the manager always routes by what this consumer runs now.
  h.join = member_link::registering(self, [=] {
    auto& info = self->state.opts.info;
    info.types = served_types(self);
    return info;
  });
  h.joined = [=](const caf::actor& mgr, bool again) { on_joined(self, mgr, again); };
  h.lost = [=] { self->state.manager = nullptr; };
  h.gave_up = [=](const std::string&) { self->quit(); }; // logged by the link
  st.link.start(self, "consumer " + st.opts.info.node, st.opts.link, st.opts.registry,
                std::move(h));
}

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
    finish_attempt(self,
                   report_of(a, task_outcome::failed, "the " + a.type + " handler threw: " + what),
                   false);
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
    if (st.manager)
      self->send(st.manager, handback_atom::value, st.opts.info.node, std::move(refs),
                 std::string{"handed back while draining"});
    return;
  }
  std::vector<exec_request> to_handlers;
  uint64_t refused = 0, old_epoch = 0;
  for (auto& a : batch) {
    if (!st.epochs.admit(a.lease)) { // a deposed leader: its successor owns this task now
      ++refused;
      old_epoch = epoch_of_lease(a.lease);
      continue;
    }
    // Beyond what runs at once: it waits here (the prefetch), its timeout
    // not begun, until a slot frees.
    if (st.waiting.must_wait(st.book.running(), st.opts.info.capacity))
      st.waiting.push(std::move(a));
    else
      run(self, a, to_handlers);
  }
  if (refused > 0)
    log_warn("consumer {}: refused {} assignments from a manager of epoch {} (epoch {} leads "
             "now)", st.opts.info.node, refused, old_epoch,
             st.epochs.highest());
  if (!to_handlers.empty())
    executors_of(self).start(std::move(to_handlers));
  flush(self);
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
  start_user_handlers(self);
  start_link(self);
  return {
    [=](heartbeat_atom) {
      auto& st = self->state;
      send_heartbeat(self, st.link.registry(), st.opts.info, st.opts.heartbeat,
                     [=] { register_self(self); },
                     [=](bool answered) { self->state.link.on_heartbeat(answered); });
    },
    [=](reconnect_atom, uint64_t gen) { self->state.link.on_retry(gen); },
    [=](assign_atom, std::vector<assignment>& batch) { on_assign(self, batch); },
    [=](finish_atom, task_report& r) { // a timer-finished attempt
      // Timers that fire together are ACKed together.
      bool finished = finish_attempt(self, std::move(r), true);
      if (start_waiting(self) || finished)
        schedule_flush(self);
      check_drained(self, false);
    },
    [=](finish_atom, std::vector<task_report>& rs) { // a batch from the executors
      for (auto& r : rs)
        finish_attempt(self, std::move(r), true);
      start_waiting(self);
      flush(self);
      check_drained(self, false);
    },
    [=](flush_atom) { flush(self); },
    [=](timeout_atom, ack_atom) { check_overdue_acks(self); },
    [=](nstatus_atom) {
      send_status(self);
      self->delayed_send(self, self->state.opts.status_every, nstatus_atom::value);
    },
    // Timed out or cancelled by the manager: the attempt is dropped and,
    // if it runs in a process, stopped (SIGTERM, then SIGKILL). A deposed
    // leader's abort is refused: the task may be its successor's now. An
    // empty one only tells the epoch of the manager this consumer joined.
    [=](abort_atom, uint64_t epoch, const std::vector<lease_ref>& refs) {
      auto& st = self->state;
      if (!st.epochs.admit_epoch(epoch)) {
        log_warn("consumer {}: refused to abort {} tasks for a manager of epoch {} (epoch {} "
                 "leads now)", st.opts.info.node, refs.size(), epoch, st.epochs.highest());
        return;
      }
      for (auto& r : refs) {
        if (st.waiting.drop(r.id, r.lease))
          continue; // not begun: nothing to stop
        if (st.book.drop(r.id, r.lease) && st.exec)
          st.exec->cancel(r.id, r.lease);
      }
      if (start_waiting(self))
        schedule_flush(self);
      check_drained(self, false);
    },
    [=](register_atom) { register_self(self); }, // the types it runs changed
    [=](handlers_atom) { poll_handlers(self); },
    [=](alert_atom, std::string& text) { // a worker pool is crash-looping
      auto& st = self->state;
      if (st.link.registry())
        self->send(st.link.registry(), alert_atom::value, st.opts.info.node, std::move(text));
      else
        log_error("consumer {}: {} (the registry is away: not forwarded)", st.opts.info.node,
                  text);
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
