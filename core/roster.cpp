#include "core/roster.hpp"

#include <algorithm>

namespace drover {

const char* to_string(presence p) {
  switch (p) {
    case presence::up: return "up";
    case presence::lost: return "lost";
    case presence::left: return "left";
  }
  return "unknown";
}

roster::join_kind roster::joined(const member_info& info, int64_t now_ms) {
  auto key = std::make_pair(info.role, info.node);
  auto i = entries_.find(key);
  if (i == entries_.end()) {
    auto& e = entries_[key];
    e.info = info;
    e.since_ms = e.first_joined_ms = e.mode_since_ms = now_ms;
    e.reason = "registered";
    e.joins = 1;
    return join_kind::first;
  }
  auto& e = i->second;
  bool was_gone = e.state != presence::up;
  e.info = info;
  ++e.joins;
  if (!was_gone)
    return join_kind::again;
  e.reason = "back after: " + e.reason;
  gone_by_age_.erase({e.since_ms, key});
  e.state = presence::up;
  e.since_ms = now_ms;
  return join_kind::back;
}

bool roster::gone(member_role role, const std::string& node, presence how,
                  const std::string& why, int64_t now_ms) {
  auto i = entries_.find({role, node});
  if (i == entries_.end() || i->second.state != presence::up || how == presence::up)
    return false;
  i->second.state = how;
  i->second.since_ms = now_ms;
  i->second.reason = why;
  gone_by_age_.emplace(now_ms, i->first);
  trim();
  return true;
}

bool roster::set_mode(const std::string& node, node_mode mode, const std::string& why,
                      int64_t now_ms) {
  for (auto role : {member_role::consumer, member_role::worker}) {
    auto i = entries_.find({role, node});
    if (i == entries_.end() || i->second.mode == mode)
      continue;
    i->second.mode = mode;
    i->second.mode_since_ms = now_ms;
    i->second.mode_reason = why;
    return true;
  }
  return false;
}

void roster::count_attempt(std::string_view node, bool failed) {
  auto i = attempts_.find(node);
  if (i == attempts_.end())
    i = attempts_.emplace(std::string{node}, attempt_counts{}).first;
  ++i->second.executed;
  if (failed)
    ++i->second.failed;
}

attempt_counts roster::attempts_of(std::string_view node) const {
  auto i = attempts_.find(node);
  return i == attempts_.end() ? attempt_counts{} : i->second;
}

result<std::vector<roster_entry>> roster::forget(const std::string& node) {
  std::vector<roster_entry> out;
  bool known = false;
  for (auto i = entries_.begin(); i != entries_.end();) {
    if (i->first.second != node) {
      ++i;
      continue;
    }
    known = true;
    if (i->second.state == presence::up) {
      ++i;
      continue;
    }
    gone_by_age_.erase({i->second.since_ms, i->first});
    out.push_back(std::move(i->second));
    i = entries_.erase(i);
  }
  if (!known)
    return error{ec::unknown_member, "no member '" + node + "' is known"};
  if (out.empty())
    return error{ec::bad_transition, "member '" + node
                                       + "' is up: only a lost or left member can be forgotten"};
  if (of_node(node).empty())
    attempts_.erase(node);
  return out;
}

const roster_entry* roster::find(member_role role, const std::string& node) const {
  auto i = entries_.find({role, node});
  return i == entries_.end() ? nullptr : &i->second;
}

std::vector<const roster_entry*> roster::of_node(const std::string& node) const {
  std::vector<const roster_entry*> out;
  for (auto& [key, e] : entries_)
    if (key.second == node)
      out.push_back(&e);
  return out;
}

void roster::trim() {
  while (gone_by_age_.size() > gone_limit) { // the one gone longest first
    entries_.erase(gone_by_age_.begin()->second);
    gone_by_age_.erase(gone_by_age_.begin());
  }
}

} // namespace drover
