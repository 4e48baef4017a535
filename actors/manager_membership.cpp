// The manager's membership: consumers joining, coming back within the
// grace, or lost past it (their leased tasks go back to PENDING with a new
// version, so late ACKs are stale).
#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
#include "core/log.hpp"
#include "core/task_state.hpp"

namespace drover {

void take_back(manager_ptr self, task_edit& t, const std::string& detail, int64_t now) {
  auto& st = self->state;
  reclaim(*t);
  t.commit();
  st.changes.push_back(change_of(*t, event_kind::reassigned, detail, now));
  st.queues.push_front(t->id, t->spec.prio);
  ++st.stats.reassigned;
}

namespace {

/// Takes every task leased to `node` back to PENDING, at the head of its queue.
void reclaim_from(manager_ptr self, const std::string& node, const char* why) {
  auto& st = self->state;
  auto now = now_ms(self);
  uint64_t moved = 0;
  auto detail = fmt::format("from {}: {}", node, why);
  auto leased = st.table.ids_where([&](const task& t) {
    return t.consumer == node && !is_terminal(t.state) && t.state != task_state::pending;
  });
  for (auto id : leased) {
    auto t = st.table.edit(id);
    take_back(self, t, detail, now);
    ++moved;
  }
  if (moved > 0)
    log_info("manager: {} tasks of {} back to pending ({})", moved, node, why);
  watch_reassigned(self, node, moved, why);
}

} // namespace

void on_joined(manager_ptr self, const member_info& info, const caf::actor& hdl) {
  auto& st = self->state;
  if (info.role == member_role::producer)
    return on_producer_joined(self, info, hdl);
  if (!takes_tasks(info.role))
    return;
  auto link = st.links.find(info.node);
  bool same_process = link != st.links.end() && link->second.handle == hdl;
  // A returning member keeps its leases; a new one starts empty (see
  // manager/consumer_pool.hpp for what survives an incarnation).
  auto joined = st.consumers.join(info, same_process);
  auto& c = *st.consumers.find(info.node);
  if (joined.returned) {
    st.links[info.node].handle = hdl;
    if (joined.was_recovered)
      log_info("manager: consumer {} is back after the restart; {} leases wait for its report",
               info.node, c.in_doubt.size());
    else if (joined.was_lost)
      log_info("manager: {} is back within the grace; nothing moves", info.node);
    if (!c.in_doubt.empty()) // its lease report settles them; this timer, if it never comes
      self->delayed_send(self, st.opts.grace, grace_atom::value, info.node, c.grace.rearm());
  } else {
    st.links[info.node] = consumer_link{hdl, {}, {}};
    if (joined.new_incarnation) // the old one's leases are void
      reclaim_from(self, info.node, "re-registered as a new process");
    log_info("manager: consumer {} joined (capacity {})", info.node, info.capacity);
  }
  st.stats.consumers = st.consumers.size();
  requeue_unassignable(st); // a new member may have the missing tags
  dispatch(self);
}

void on_lost(manager_ptr self, const member_info& who, const char* why) {
  auto& st = self->state;
  auto& node = who.node;
  if (who.role == member_role::producer)
    return on_producer_lost(self, who, why);
  auto* found = st.consumers.find(node);
  if (found == nullptr)
    return;
  auto& c = *found;
  auto gen = c.grace.lose();
  mark_in_doubt(st, c); // if it comes back, its lease report says what still runs there
  log_info("manager: consumer {} {}; its {} tasks move in {} ms unless it returns",
           node, why, c.inflight, st.opts.grace.count());
  self->delayed_send(self, st.opts.grace, grace_atom::value, node, gen);
}

void on_grace_expired(manager_ptr self, const std::string& node, uint64_t gen) {
  auto& st = self->state;
  auto* c = st.consumers.find(node);
  if (c == nullptr || !c->grace.current(gen))
    return; // this timer is an old one
  if (!c->grace.lost()) { // back, but its lease report never came
    reclaim_in_doubt(self, *c, "no lease report within the grace");
    dispatch(self);
    return;
  }
  st.consumers.erase(node);
  st.links.erase(node);
  st.stats.consumers = st.consumers.size();
  reclaim_from(self, node, "lost past the grace");
  dispatch(self);
}

void on_drain(manager_ptr self, const std::string& node) {
  auto& st = self->state;
  auto* c = st.consumers.find(node);
  if (c == nullptr)
    return;
  c->mode = node_mode::draining;
  c->leaving = true;
  watch_mode(self, node, node_mode::draining, "SIGTERM: it finishes its work, then exits");
  log_info("manager: consumer {} is draining (SIGTERM): no new tasks for it", node);
}

void on_handback(manager_ptr self, const std::string& node, const std::vector<lease_ref>& refs,
                 const std::string& why) {
  auto& st = self->state;
  auto now = now_ms(self);
  auto* c = st.consumers.find(node);
  uint64_t moved = 0;
  for (auto& r : refs) {
    auto t = st.table.edit(r.id);
    if (!t || t->consumer != node || t->lease_version != r.lease
        || (t->state != task_state::assigned && t->state != task_state::running))
      continue; // already finished, reclaimed or reassigned
    take_back(self, t, fmt::format("from {}: {}", node, why), now);
    if (c != nullptr)
      c->release();
    ++moved;
  }
  if (moved > 0) {
    log_info("manager: {} tasks handed back by {} ({})", moved, node, why);
    watch_event(self, event_type::reassigned, node,
                fmt::format("{} tasks handed back by {} ({})", moved, node, why), moved);
  }
  dispatch(self);
}

} // namespace drover
