// See core/node_board.hpp.
#include "core/node_board.hpp"

namespace drover {

namespace {

bool is_final(command_state s) {
  return s == command_state::done || s == command_state::failed;
}

} // namespace

node_command node_board::queue(const std::string& node, command_kind kind,
                               const std::string& by, int64_t now_ms) {
  node_command c;
  c.id = next_id_++;
  c.node = node;
  c.kind = kind;
  c.by = by;
  c.created_ms = now_ms;
  auto& n = nodes_[node];
  n.commands.push_back(c);
  trim(n);
  return c;
}

void node_board::apply(per_node& n, const command_update& u, int64_t now_ms) {
  for (auto& c : n.commands) {
    if (c.id != u.id || is_final(c.state))
      continue;
    c.state = u.state;
    c.reason = u.reason;
    if (is_final(u.state))
      c.finished_ms = now_ms;
  }
}

std::vector<node_command> node_board::on_report(node_status s, int64_t now_ms,
                                                bool hand_out) {
  ++reports_;
  auto& n = nodes_[s.node];
  for (auto& u : s.commands)
    apply(n, u, now_ms);
  if (s.fresh) // the node came back: a restart it was running is done
    for (auto& c : n.commands)
      if (c.kind == command_kind::restart && c.state == command_state::running)
        apply(n, command_update{c.id, command_state::done, "restarted"}, now_ms);
  std::vector<node_command> out;
  for (auto& c : n.commands)
    if (hand_out && c.state == command_state::queued && c.sent_ms == 0) {
      c.sent_ms = now_ms;
      out.push_back(c);
    }
  s.at_ms = now_ms;
  s.commands.clear(); // applied above; the history keeps the figures
  n.history.push_back(std::move(s));
  if (n.history.size() > history_limit)
    n.history.pop_front();
  trim(n);
  return out;
}

void node_board::trim(per_node& n) {
  // Drops the oldest finished commands past the limit; open ones stay.
  size_t finished = 0;
  for (auto& c : n.commands)
    finished += is_final(c.state) ? 1 : 0;
  for (auto i = n.commands.begin(); finished > command_limit && i != n.commands.end();) {
    if (is_final(i->state)) {
      i = n.commands.erase(i);
      --finished;
    } else {
      ++i;
    }
  }
}

const node_status* node_board::latest(const std::string& node) const {
  auto i = nodes_.find(node);
  if (i == nodes_.end() || i->second.history.empty())
    return nullptr;
  return &i->second.history.back();
}

std::vector<node_status> node_board::history(const std::string& node, int64_t since_ms) const {
  std::vector<node_status> out;
  auto i = nodes_.find(node);
  if (i == nodes_.end())
    return out;
  for (auto& s : i->second.history)
    if (s.at_ms > since_ms)
      out.push_back(s);
  return out;
}

std::vector<node_command> node_board::commands(const std::string& node) const {
  auto i = nodes_.find(node);
  if (i == nodes_.end())
    return {};
  return {i->second.commands.begin(), i->second.commands.end()};
}

bool node_board::knows(const std::string& node) const {
  return nodes_.count(node) > 0;
}

std::array<uint64_t, command_state_count> node_board::command_counts() const {
  std::array<uint64_t, command_state_count> out{};
  for (auto& [node, n] : nodes_)
    for (auto& c : n.commands)
      ++out[static_cast<int>(c.state)];
  return out;
}

} // namespace drover
