// The manager's record for operators (actors/manager_watch.hpp): members
// that come and go, the events feed and alerts, the 1 s series, and the
// REST queries over them. It reads the scheduling state and never changes it.
#include "actors/manager_watch.hpp"

#include <algorithm>

#include "core/log.hpp"

#ifndef DROVER_VERSION
#define DROVER_VERSION "unknown"
#endif

namespace drover {

namespace {

node_state state_of(presence p) {
  switch (p) {
    case presence::up: return node_state::up;
    case presence::lost: return node_state::lost;
    case presence::left: return node_state::left;
  }
  return node_state::lost;
}

bool runs_tasks(member_role r) { return takes_tasks(r); }

/// `n` gets what the roster knows: since when and why, mode history, counts.
void fill_from(node_info& n, const roster& r, const roster_entry& e) {
  n.since_ms = e.since_ms;
  n.reason = e.reason;
  n.mode_since_ms = e.mode_since_ms;
  n.mode_reason = e.mode_reason;
  if (takes_tasks(e.info.role)) {
    auto counts = r.attempts_of(e.info.node);
    n.executed = counts.executed;
    n.failed = counts.failed;
  }
  if (e.state == presence::left) // the pool lists it as lost while its grace runs
    n.state = node_state::left;
}

node_info row_of(const roster& r, const roster_entry& e) {
  node_info n;
  n.member = e.info;
  n.state = state_of(e.state);
  n.mode = e.mode;
  fill_from(n, r, e);
  return n;
}

} // namespace

void watch_event(manager_ptr self, event_type type, const std::string& node,
                 const std::string& text, uint64_t count) {
  self->state.watch.events.add(type, node, text, now_ms(self), count);
}

void raise_alert(manager_ptr self, const std::string& kind, const std::string& node,
                 const std::string& text) {
  auto& st = self->state;
  st.alerts.push_back(alert_info{now_ms(self), node, text, kind});
  if (st.alerts.size() > manager_state::max_alerts)
    st.alerts.pop_front();
  if (kind == "supervisor") // the others are in the feed as what happened already
    watch_event(self, event_type::alert, node, text);
}

void watch_joined(manager_ptr self, const member_info& info) {
  auto& st = self->state;
  auto now = now_ms(self);
  auto kind = st.watch.members.joined(info, now);
  if (auto* c = st.consumers.find(info.node); c != nullptr && runs_tasks(info.role))
    st.watch.members.set_mode(info.node, c->mode, "registered", now);
  auto role = std::string{to_string(info.role)};
  if (kind == roster::join_kind::first)
    watch_event(self, event_type::member_joined, info.node,
                role + " " + info.node + " joined"
                  + (runs_tasks(info.role) ? " (capacity " + std::to_string(info.capacity) + ")"
                                           : std::string{}));
  else if (kind == roster::join_kind::back)
    watch_event(self, event_type::member_back, info.node, role + " " + info.node + " is back");
}

void watch_gone(manager_ptr self, const member_info& who, presence how, const std::string& why) {
  auto& st = self->state;
  if (!st.watch.members.gone(who.role, who.node, how, why, now_ms(self)))
    return;
  auto role = std::string{to_string(who.role)};
  if (how == presence::left) {
    watch_event(self, event_type::member_left, who.node,
                role + " " + who.node + " left: " + why);
    return;
  }
  auto text = role + " " + who.node + " was lost: " + why;
  watch_event(self, event_type::member_lost, who.node, text);
  if (runs_tasks(who.role)) {
    auto* c = st.consumers.find(who.node);
    auto held = c ? c->inflight : 0;
    raise_alert(self, "member_lost", who.node,
                text + "; its " + std::to_string(held) + " tasks move in "
                  + std::to_string(st.opts.grace.count()) + " ms unless it returns");
  }
}

void watch_mode(manager_ptr self, const std::string& node, node_mode mode,
                const std::string& why) {
  if (self->state.watch.members.set_mode(node, mode, why, now_ms(self)))
    watch_event(self, event_type::mode_changed, node,
                node + " is " + to_string(mode) + " (" + why + ")");
}

void watch_reassigned(manager_ptr self, const std::string& node, uint64_t moved,
                      const std::string& why) {
  if (moved == 0)
    return;
  auto text = std::to_string(moved) + " tasks of " + node + " back to pending (" + why + ")";
  watch_event(self, event_type::reassigned, node, text, moved);
  raise_alert(self, "reassigned", node, text);
}

void watch_attempt(manager_state& st, std::string_view node, ack_effect effect) {
  bool failed = effect != ack_effect::succeeded;
  if (failed)
    ++st.watch.failed;
  else
    ++st.watch.succeeded;
  if (!node.empty())
    st.watch.members.count_attempt(node, failed);
}

void start_watch(manager_ptr self) {
  auto& st = self->state;
  auto& b = latency_histogram::bounds;
  st.watch.series = series_ring{std::vector<double>(b.begin(), b.end())};
  st.watch.started_ms = now_ms(self);
  on_watch_tick(self); // the baseline; the timer keeps it going
}

void on_watch_tick(manager_ptr self) {
  auto& st = self->state;
  auto now = now_ms(self);
  series_input in;
  in.at_ms = now;
  in.succeeded = st.watch.succeeded;
  in.failed = st.watch.failed;
  for (int p = 0; p < priority_count; ++p)
    in.depth[p] = st.queues.queued().size(static_cast<priority>(p));
  std::vector<std::pair<job_id, uint64_t>> done;
  for (auto& [id, j] : st.table.jobs()) {
    in.inflight += j.by_state[static_cast<int>(task_state::assigned)]
                   + j.by_state[static_cast<int>(task_state::running)];
    if (!j.done) {
      uint64_t ended = 0;
      for (int s = 0; s < task_state_count; ++s)
        if (is_terminal(static_cast<task_state>(s)))
          ended += j.by_state[s];
      done.emplace_back(id, ended);
    }
  }
  in.ack_buckets.assign(st.ack_latency.counts.begin(), st.ack_latency.counts.end());
  st.watch.series.sample(in);
  st.watch.job_rates.sample(now, done);
  self->delayed_send(self, std::chrono::milliseconds(manager_watch::sample_every_ms),
                     sample_atom::value);
}

void add_roster_views(const manager_state& st, std::vector<node_info>& out) {
  for (auto& n : out) {
    if (auto* e = st.watch.members.find(n.member.role, n.member.node))
      fill_from(n, st.watch.members, *e);
    else if (n.state == node_state::lost)
      n.reason = "known from the store: not registered since the manager started";
  }
  for (auto& [key, e] : st.watch.members.entries()) {
    if (e.state == presence::up)
      continue;
    bool listed = std::any_of(out.begin(), out.end(), [&](const node_info& n) {
      return n.member.role == key.first && n.member.node == key.second;
    });
    if (!listed) {
      out.push_back(row_of(st.watch.members, e));
      out.back().released = true;
    }
  }
}

double recent_rate_of(const manager_state& st, job_id id) {
  auto r = st.watch.job_rates.rate(id);
  return r ? *r : -1.0;
}

event_page query_events(const manager_state& st, uint64_t after, uint32_t limit) {
  return st.watch.events.after(after, limit);
}

series_page query_series(const manager_state& st, int64_t since_ms) {
  series_page p;
  p.since_ms = since_ms;
  p.interval_ms = manager_watch::sample_every_ms;
  p.capacity = st.watch.series.capacity();
  p.points = st.watch.series.since(since_ms);
  return p;
}

manager_card query_card(manager_ptr self) {
  auto& st = self->state;
  manager_card c;
  c.node = st.opts.node;
  c.listen = st.opts.listen;
  c.store = st.opts.store_name;
  c.version = DROVER_VERSION;
  c.started_ms = st.watch.started_ms;
  c.now_ms = now_ms(self);
  auto rules = describe_rules(st);
  c.rules_version = rules.version;
  c.rules_hash = rules.hash;
  c.rules_source = rules.source;
  c.rules_since_ms = rules.since_ms;
  for (auto& [key, e] : st.watch.members.entries())
    ++(e.state == presence::up ? c.members_up
       : e.state == presence::lost ? c.members_lost : c.members_left);
  c.last_event = st.watch.events.last_seq();
  return c;
}

caf::result<node_detail> query_node(manager_ptr self, const std::string& node) {
  auto& st = self->state;
  node_detail d;
  d.node = node;
  for (auto& n : query_members(self))
    if (n.member.node == node)
      d.roles.push_back(std::move(n));
  add_node_views(st, d.roles);
  add_roster_views(st, d.roles);
  d.roles.erase(std::remove_if(d.roles.begin(), d.roles.end(),
                               [&](const node_info& n) { return n.member.node != node; }),
                d.roles.end());
  if (d.roles.empty())
    return caf::error{ec::unknown_member, "no member '" + node + "' is known"};
  auto ids = st.table.ids_where([&](const task& t) {
    return t.consumer == node && !is_terminal(t.state) && t.state != task_state::pending;
  });
  std::sort(ids.begin(), ids.end());
  d.held_total = ids.size();
  for (auto id : ids) {
    if (d.held.size() >= node_detail::held_limit)
      break;
    if (auto* t = st.table.get(id))
      d.held.push_back(held_task{t->id, {}, t->job, t->created_ms, t->state, t->attempt,
                                 std::string{t->spec.type.view()}});
  }
  return d;
}

caf::result<std::vector<node_info>> forget_member(manager_ptr self, const std::string& node) {
  auto& st = self->state;
  auto dropped = st.watch.members.forget(node);
  if (!dropped)
    return to_caf(dropped.err());
  std::vector<node_info> out;
  for (auto& e : dropped.value())
    out.push_back(row_of(st.watch.members, e));
  log_info("manager: member {} forgotten by an operator", node);
  watch_event(self, event_type::member_forgotten, node, node + " forgotten by an operator");
  return out;
}

} // namespace drover
