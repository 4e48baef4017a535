#include "core/task_state.hpp"

#include <utility>

namespace drover {

bool is_legal(task_state from, task_state to) {
  using s = task_state;
  switch (from) {
    case s::pending:
      return to == s::assigned || to == s::cancelled;
    case s::assigned:
      return to == s::running || to == s::failed || to == s::cancelled
             || to == s::timed_out;
    case s::running:
      return is_terminal(to);
    default:
      return false;
  }
}

ec advance(task& t, task_state next, uint64_t seen_version) {
  if (seen_version != t.version)
    return ec::stale_version;
  if (!is_legal(t.state, next))
    return ec::bad_transition;
  t.state = next;
  ++t.version;
  return ec::none;
}

ec assign(task& t, const std::string& consumer, int64_t now_ms) {
  if (auto err = advance(t, task_state::assigned, t.version); err != ec::none)
    return err;
  t.lease_version = t.version;
  t.consumer = consumer;
  t.assigned_ms = now_ms;
  return ec::none;
}

bool holds_lease(const task& t, uint64_t lease) {
  return lease == t.lease_version
         && (t.state == task_state::assigned || t.state == task_state::running);
}

namespace {

void to_running(task& t, int64_t now_ms) {
  t.state = task_state::running;
  ++t.version;
  t.started_ms = now_ms;
}

} // namespace

ack_effect apply_started(task& t, uint64_t lease, int64_t now_ms) {
  if (!holds_lease(t, lease) || t.state != task_state::assigned)
    return ack_effect::stale;
  to_running(t, now_ms);
  return ack_effect::started;
}

timeout_check check_timeout(const task& t, bool reports_starts, int64_t now_ms) {
  int64_t limit = t.spec.timeout_ms;
  if (t.state == task_state::assigned && reports_starts)
    return {false, limit}; // not begun: look again one timeout later
  int64_t since = t.state == task_state::running ? t.started_ms : t.assigned_ms;
  int64_t left = since + limit - now_ms;
  if (left > 0)
    return {false, left};
  return {true, 0};
}

ack_effect apply_ack(task& t, uint64_t lease, task_outcome outcome,
                     std::string result, int64_t now_ms, bool retryable) {
  if (!holds_lease(t, lease))
    return ack_effect::stale;
  if (t.state == task_state::assigned)
    to_running(t, now_ms);
  t.result = std::move(result);
  if (outcome == task_outcome::succeeded) {
    t.state = task_state::succeeded;
    ++t.version;
    t.finished_ms = now_ms;
    return ack_effect::succeeded;
  }
  if (retryable && t.attempt < t.spec.max_attempts) {
    t.state = task_state::pending;
    ++t.version;
    ++t.attempt;
    t.consumer.clear();
    return ack_effect::retry;
  }
  t.state = outcome == task_outcome::timed_out ? task_state::timed_out
                                               : task_state::failed;
  ++t.version;
  t.finished_ms = now_ms;
  return outcome == task_outcome::timed_out ? ack_effect::timed_out
                                            : ack_effect::failed;
}

void reclaim(task& t) {
  if (is_terminal(t.state) || t.state == task_state::pending)
    return;
  t.state = task_state::pending;
  ++t.version;
  t.consumer.clear();
}

bool adopt_lease(task& t, const std::string& consumer, uint64_t lease, int64_t now_ms) {
  if (t.state != task_state::pending || lease <= t.version)
    return false;
  t.state = task_state::assigned;
  t.version = lease;
  t.lease_version = lease;
  t.consumer = consumer;
  t.assigned_ms = now_ms;
  return true;
}

ec cancel(task& t, int64_t now_ms) {
  if (is_terminal(t.state))
    return ec::bad_transition;
  t.state = task_state::cancelled;
  ++t.version;
  t.finished_ms = now_ms;
  return ec::none;
}

} // namespace drover
