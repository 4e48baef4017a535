// Ending attempts before their consumer does (DESIGN.md §6): timeouts and
// cancels. Both tell the consumer to abort (it drops the attempt, no ACK)
// and free its credit here at once; a report that still arrives names an
// old lease and is rejected as stale.
#include <utility>

#include "actors/manager_state.hpp"
#include "core/epoch_guard.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

/// Tells the task's consumer to drop the attempt and gives back the credit.
void abort_at_consumer(manager_ptr self, const task& t) {
  auto& st = self->state;
  std::string node{t.consumer};
  auto* c = st.consumers.find(node);
  if (c == nullptr)
    return; // lost past the grace: nothing runs there any more
  c->release();
  auto link = st.links.find(node);
  if (link != st.links.end() && link->second.handle) // none for one known only from the store
    self->send(link->second.handle, abort_atom::value, epoch_of_floor(st.lease_floor),
               std::vector<lease_ref>{{t.id, t.lease_version}});
}

/// Cancels the task of `edit`, which is not terminal; it leaves the table.
/// Returns the task's version after the cancel.
uint64_t cancel_one(manager_ptr self, task_edit& edit, int64_t now) {
  auto& st = self->state;
  auto& t = *edit;
  if (t.state == task_state::assigned || t.state == task_state::running)
    abort_at_consumer(self, t);
  cancel(t, now);
  edit.commit();
  ++st.stats.cancelled;
  st.changes.push_back(change_of(t, event_kind::cancelled, {}, now));
  auto version = t.version;
  dedupe_dropped(st, t); // a follower takes over a cancelled leader
  st.table.retire(edit); // a queued id whose task is gone is skipped by dispatch
  return version;
}

} // namespace

void on_timeout(manager_ptr self, task_id id, uint64_t lease) {
  auto& st = self->state;
  const auto* held = st.table.get(id);
  if (held == nullptr || held->lease_version != lease
      || (held->state != task_state::assigned && held->state != task_state::running))
    return; // finished, cancelled or moved on in time
  auto now = now_ms(self);
  const auto* member = std::as_const(st.consumers).find(std::string{held->consumer});
  // A consumer with a prefetch holds tasks before it starts them.
  bool reports_starts = member != nullptr && member->info.prefetch > 0;
  auto check = check_timeout(*held, reports_starts, now);
  if (!check.expired) {
    self->delayed_send(self, std::chrono::milliseconds(check.wait_ms), timeout_atom::value, id,
                       lease);
    return;
  }
  auto edit = st.table.edit(id);
  auto& t = *edit;
  abort_at_consumer(self, t);
  ++st.stats.timeouts;
  auto why = fmt::format("timed out after {} ms on {}", t.spec.timeout_ms, t.consumer);
  auto effect = apply_ack(t, lease, task_outcome::timed_out, why, now);
  log_debug("manager: task {} {}", id, why);
  settle(self, edit, effect, now);
  dispatch(self);
}

caf::expected<uint64_t> cancel_task(manager_ptr self, task_id id) {
  auto& st = self->state;
  auto edit = st.table.edit(id);
  if (!edit)
    return caf::error{ec::unknown_task,
                      fmt::format("task {} is not queued or running (unknown or already "
                                  "finished)", id)};
  auto job = edit->job;
  st.queues.forget(id); // if it was parked: it waits no more
  auto version = cancel_one(self, edit, now_ms(self));
  if (auto* j = st.table.job(job))
    check_done(self, *j);
  dispatch(self); // the freed credit goes to other tasks
  return version;
}

caf::expected<uint64_t> cancel_job(manager_ptr self, job_id id) {
  auto& st = self->state;
  auto* j = st.table.job(id);
  if (j == nullptr)
    return caf::error{ec::unknown_job, "no job " + std::to_string(id)};
  j->meta.cancelled = true;
  j->meta.sealed = true; // no list will follow: the job is done once these end
  persist_job(self, *j);
  st.queues.forget_job(id);
  auto now = now_ms(self);
  uint64_t n = 0;
  for (auto tid : st.table.ids_where([&](const task& t) { return t.job == id; })) {
    auto edit = st.table.edit(tid);
    if (!edit)
      continue;
    cancel_one(self, edit, now);
    ++n;
  }
  log_info("manager: job {} cancelled ({} unfinished tasks)", id, n);
  check_done(self, *j);
  dispatch(self);
  return n;
}

} // namespace drover
