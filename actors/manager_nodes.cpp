// The manager's side of node status reports, node commands and the idle
// sleep/wake policy. Records live in
// core/node_board.hpp, decisions in core/idle_policy.hpp; this file applies
// them to the consumers' modes, which gate assignment (sync_candidates).
// Kept in the manager, not a separate actor: a mode change and the next
// dispatch must happen in one mailbox, or a sleeping node could still get work.
#include <fmt/format.h>

#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
#include "actors/protocol_nodes.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

/// The mode a command leaves a consumer in; none if it changes none.
std::optional<node_mode> mode_after(command_kind k) {
  switch (k) {
    case command_kind::drain: return node_mode::draining;
    case command_kind::sleep: return node_mode::asleep;
    case command_kind::wake: return node_mode::awake;
    default: return std::nullopt;
  }
}

node_command queue_command(manager_ptr self, consumer_member& c, command_kind k,
                           const std::string& by) {
  auto& st = self->state;
  auto cmd = st.nodes.queue(c.info.node, k, by, now_ms(self));
  auto after = mode_after(k);
  if (after && *after != c.mode) {
    node_mode m = *after;
    log_info("manager: {} {} -> {} ({})", c.info.node, to_string(c.mode), to_string(m), by);
    c.mode = m;
    watch_mode(self, c.info.node, m, fmt::format("{} command by {}", to_string(k), by));
    if (m == node_mode::awake)
      dispatch(self); // work may be waiting for it
  }
  return cmd;
}

bool cluster_idle(const manager_state& st) {
  if (!st.queues.empty() || st.queues.retry_waiting() > 0)
    return false;
  for (auto& [node, c] : st.consumers.members())
    if (c.inflight > 0)
      return false;
  return true;
}

} // namespace

std::vector<node_command> on_node_status(manager_ptr self, node_status& s) {
  auto& st = self->state;
  if (s.role == member_role::consumer)
    return st.nodes.on_report(std::move(s), now_ms(self));
  // A producer takes no commands. One in a consumer's process (same node
  // name) reports the same host: the consumer's report stands for both.
  if (st.consumers.count(s.node) == 0)
    st.nodes.on_report(std::move(s), now_ms(self), false);
  return {};
}

caf::result<node_command> post_command(manager_ptr self, const std::string& node,
                                       const std::string& kind) {
  auto& st = self->state;
  auto k = parse_command_kind(kind);
  if (!k)
    return caf::error{ec::bad_input, fmt::format("unknown command '{}'; known commands: {}",
                                                 kind, command_names())};
  auto* c = st.consumers.find(node);
  if (c == nullptr) {
    if (st.producers.count(node) > 0)
      return caf::error{ec::bad_input,
                        fmt::format("node '{}' is a producer; only consumers take commands "
                                    "for now", node)};
    return caf::error{ec::unknown_member,
                      fmt::format("no node '{}'; GET /v1/nodes lists the members", node)};
  }
  auto cmd = queue_command(self, *c, *k, "rest");
  flush_changes(self);
  return cmd;
}

caf::result<std::vector<node_command>> list_commands(manager_ptr self, const std::string& node) {
  auto& st = self->state;
  if (st.consumers.count(node) == 0 && st.producers.count(node) == 0 && !st.nodes.knows(node))
    return caf::error{ec::unknown_member, fmt::format("no node '{}'", node)};
  return st.nodes.commands(node);
}

caf::result<std::vector<node_status>> status_history(manager_ptr self, const std::string& node,
                                                     int64_t since_ms) {
  auto& st = self->state;
  if (st.consumers.count(node) == 0 && st.producers.count(node) == 0 && !st.nodes.knows(node))
    return caf::error{ec::unknown_member, fmt::format("no node '{}'", node)};
  return st.nodes.history(node, since_ms);
}

void start_node_policy(manager_ptr self) {
  auto& o = self->state.opts;
  if (o.idle.idle_after_ms > 0 && o.policy_every.count() > 0)
    self->delayed_send(self, o.policy_every, npolicy_atom::value);
}

void on_policy_tick(manager_ptr self) {
  auto& st = self->state;
  auto now = now_ms(self);
  bool idle_long = idle_long_enough(cluster_idle(st), now, st.opts.idle.idle_after_ms,
                                    st.idle_since_ms);
  std::vector<policy_member> ms;
  for (auto& [node, c] : st.consumers.members())
    ms.push_back(policy_member{node, c.mode, c.inflight, c.grace.lost(),
                               st.chooser.node_speed_ms(node)});
  for (auto& node : to_sleep(ms, st.opts.idle, idle_long)) {
    queue_command(self, *st.consumers.find(node), command_kind::sleep, "policy");
    ++st.policy_sleeps;
  }
  for (auto& node : to_wake(ms, st.queues.size(), st.opts.idle)) {
    queue_command(self, *st.consumers.find(node), command_kind::wake, "policy");
    ++st.policy_wakes;
  }
  flush_changes(self);
  self->delayed_send(self, st.opts.policy_every, npolicy_atom::value);
}

void add_node_views(const manager_state& st, std::vector<node_info>& out) {
  for (auto& n : out) {
    if (auto* c = st.consumers.find(n.member.node);
        n.member.role == member_role::consumer && c != nullptr)
      n.mode = c->mode;
    if (auto* s = st.nodes.latest(n.member.node)) {
      n.has_status = true;
      n.status = *s;
    }
  }
}

void add_node_metrics(manager_ptr self, metrics_snapshot& m) {
  auto& st = self->state;
  for (auto& n : query_members(self))
    if (n.member.role == member_role::consumer)
      m.nodes.push_back(std::move(n));
  add_node_views(st, m.nodes);
}

} // namespace drover
