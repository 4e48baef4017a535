// Members outlive the manager (DESIGN.md §6, §13): a restarted manager does
// not take every leased task back at once. A task the store holds as
// ASSIGNED/RUNNING stays leased to its consumer, in doubt, for the grace;
// a consumer that reconnects reports the leases it holds (task id + lease
// version) and keeps them, the rest go back to PENDING. For that same grace
// no new work is assigned, so a consumer still running an assignment the
// old manager never stored reports it before the task could go elsewhere
// (adopt_lease). The same report settles the leases of a consumer that was
// lost and came back within the grace.
#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
#include "actors/protocol_links.hpp"
#include "core/epoch_guard.hpp"
#include "core/log.hpp"
#include "core/task_state.hpp"

namespace drover {

namespace {

/// Re-arms the timeout of a recovered or adopted lease for what is left of it.
void arm_timeout(manager_ptr self, const task& t, int64_t now) {
  if (t.spec.timeout_ms == 0)
    return;
  auto left = std::max<int64_t>(0, t.assigned_ms + t.spec.timeout_ms - now);
  self->delayed_send(self, std::chrono::milliseconds(left), timeout_atom::value, t.id,
                     t.lease_version);
}

} // namespace

void recover_lease(manager_ptr self, const task& t, int64_t now) {
  auto& st = self->state;
  st.held.lead(t); // a running leader keeps its followers
  auto& c = st.consumers.recovered(std::string{t.consumer});
  c.in_doubt.insert(t.id);
  ++c.inflight;
  arm_timeout(self, t, now);
}

void start_restart_grace(manager_ptr self, bool had_unfinished) {
  auto& st = self->state;
  st.consumers.for_each([&](consumer_member& c) {
    if (c.recovered) {
      self->delayed_send(self, st.opts.grace, grace_atom::value, c.info.node, c.grace.rearm());
      st.unreported.insert(c.info.node);
    }
  });
  st.stats.consumers = st.consumers.size();
  if (!had_unfinished || st.opts.grace.count() <= 0)
    return;
  st.holding = true;
  log_info("manager: assigning nothing for {} ms, so that consumers which outlived the "
           "old manager report what they hold first", st.opts.grace.count());
  self->delayed_send(self, st.opts.grace, hold_atom::value);
}

void end_restart_hold(manager_ptr self) {
  if (!self->state.holding)
    return; // ended early: every consumer reported
  self->state.holding = false;
  self->state.unreported.clear();
  dispatch(self);
}

void mark_in_doubt(manager_state& st, consumer_member& c) {
  c.in_doubt.clear();
  st.table.for_each([&](const task& t) {
    if (t.consumer == c.info.node
        && (t.state == task_state::assigned || t.state == task_state::running))
      c.in_doubt.insert(t.id);
  });
}

void reclaim_in_doubt(manager_ptr self, consumer_member& c, const char* why) {
  auto& st = self->state;
  auto now = now_ms(self);
  auto detail = fmt::format("from {}: {}", c.info.node, why);
  uint64_t moved = 0;
  for (auto id : c.in_doubt) {
    auto t = st.table.edit(id);
    if (!t || t->consumer != c.info.node
        || (t->state != task_state::assigned && t->state != task_state::running))
      continue;
    take_back(self, t, detail, now);
    c.release();
    ++moved;
  }
  c.in_doubt.clear();
  if (moved > 0)
    log_info("manager: {} tasks of {} back to pending ({})", moved, c.info.node, why);
  watch_reassigned(self, c.info.node, moved, why);
}

void on_lease_report(manager_ptr self, const std::string& node,
                     const std::vector<lease_ref>& refs) {
  auto& st = self->state;
  auto* found = st.consumers.find(node);
  if (found == nullptr)
    return; // lost past the grace: its tasks moved already
  auto& c = *found;
  // The member learns this manager's epoch now, not at its first
  // assignment: from here on it refuses a deposed leader's aborts.
  if (auto link = st.links.find(node); link != st.links.end() && link->second.handle)
    self->send(link->second.handle, abort_atom::value, epoch_of_floor(st.lease_floor),
               std::vector<lease_ref>{});
  auto now = now_ms(self);
  uint64_t kept = 0, adopted = 0;
  for (auto& r : refs) {
    auto edit = st.table.edit(r.id);
    if (!edit)
      continue; // finished meanwhile; its report, if any, is stale
    auto& t = *edit;
    if (t.consumer == node && t.lease_version == r.lease
        && (t.state == task_state::assigned || t.state == task_state::running)) {
      kept += c.in_doubt.erase(r.id);
    } else if (st.holding && r.lease < st.lease_floor && adopt_lease(t, node, r.lease, now)) {
      edit.commit();
      st.changes.push_back(change_of(t, event_kind::assigned,
                                     fmt::format("to {}: kept after a manager restart", node),
                                     now));
      ++c.inflight;
      arm_timeout(self, t, now);
      ++adopted;
    }
  }
  auto doubtful = c.in_doubt.size();
  reclaim_in_doubt(self, c, "not among the leases it reported");
  if (kept + adopted + doubtful > 0)
    log_info("manager: consumer {} reported {} leases: {} kept, {} taken back on, {} moved",
             node, refs.size(), kept, adopted, doubtful);
  // Every consumer the store knew has said what it holds: nothing is left
  // to wait for (a takeover should not idle the whole grace).
  if (st.holding && st.unreported.erase(node) > 0 && st.unreported.empty()) {
    log_info("manager: every consumer reported its leases; assigning again");
    end_restart_hold(self);
    return;
  }
  dispatch(self);
}

namespace {

/// How long a stored ACK's answer may wait for the consumer's next
/// assignments. Sent on its own, each answer wakes the consumer's process
/// once more (its network thread, then the actor): half of what a lone
/// task costs it. Going out with the next assignments, it costs nothing
/// extra; an idle consumer hears within this time.
constexpr auto confirm_within = std::chrono::milliseconds(5);

/// Parks `rp` with consumer `node`'s next assignments, or answers it now
/// when that consumer has no link.
void confirm_later(manager_ptr self, const std::string& node, caf::response_promise& rp) {
  auto& st = self->state;
  auto l = st.links.find(node);
  if (l == st.links.end()) {
    rp.deliver(caf::unit);
    return;
  }
  l->second.confirms.push_back(std::move(rp));
  if (st.confirming.empty())
    self->delayed_send(self, confirm_within, flush_atom::value);
  st.confirming.insert(node);
}

/// Asks the store to confirm everything sent to it so far, for the
/// promises waiting now; those that come while it answers wait for the next
/// one. One question in flight, however many consumers ACK: each pending
/// request costs the manager a table entry that CAF finds and erases by a
/// scan, so thousands of them (one per ACK with thousands of consumers)
/// made every ACK cost O(consumers).
void sync_waiting(manager_ptr self) {
  auto& st = self->state;
  if (st.sync_in_flight || st.sync_waiting.empty())
    return;
  st.sync_in_flight = true;
  auto batch = std::make_shared<std::vector<pending_confirm>>(std::move(st.sync_waiting));
  st.sync_waiting = {};
  auto done = [self, batch](const caf::error& err) {
    for (auto& w : *batch)
      err ? w.rp.deliver(err) : confirm_later(self, w.node, w.rp);
    self->state.sync_in_flight = false;
    sync_waiting(self);
  };
  self->request(st.opts.store, caf::infinite, sync_atom::value)
    .then([done] { done(caf::error{}); }, [done](caf::error& err) { done(err); });
}

} // namespace

caf::response_promise when_stored(manager_ptr self, const std::string& node) {
  auto rp = self->make_response_promise();
  if (rp.async())
    return rp; // a plain send wants no answer
  // The changes of this message are already on their way to the store
  // (flush_changes): a sync sent from now on confirms them.
  self->state.sync_waiting.push_back({node, rp});
  sync_waiting(self);
  return rp;
}

void send_confirms(consumer_link& l) {
  for (auto& rp : l.confirms)
    rp.deliver(caf::unit);
  l.confirms.clear();
}

void send_all_confirms(manager_ptr self) {
  // Only the consumers that had any: a timer per 5 ms must not cost a pass
  // over thousands of links.
  auto& st = self->state;
  for (auto& node : st.confirming)
    if (auto l = st.links.find(node); l != st.links.end())
      send_confirms(l->second);
  st.confirming.clear();
}

} // namespace drover
