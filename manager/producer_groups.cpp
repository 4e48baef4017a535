// See producer_groups.hpp.
#include "manager/producer_groups.hpp"

namespace drover {

producer_groups::joined producer_groups::join(const member_info& info, bool same_process) {
  joined out;
  auto i = members_.find(info.node);
  bool known = i != members_.end();
  out.back = known && i->second.grace.lost();
  auto& p = members_[info.node];
  if (!known || !same_process)
    p.joined = ++joins_;
  p.info = info;
  p.grace.back(); // a grace timer still running is now stale
  auto active = active_.find(info.group);
  if (active == active_.end()) {
    // The first of its group, or the first after an active one was lost with
    // no standby around: then it takes over that one's jobs.
    active_[info.group] = info.node;
    out.as = role::active;
    if (auto o = orphaned_by_.find(info.group); o != orphaned_by_.end()) {
      out.takes_over = o->second;
      orphaned_by_.erase(o);
    }
  } else if (active->second == info.node) {
    out.as = role::active_again;
  } else {
    out.as = role::standby;
    out.active = active->second;
  }
  return out;
}

std::optional<producer_groups::lost> producer_groups::lose(const std::string& node) {
  auto i = members_.find(node);
  if (i == members_.end())
    return std::nullopt;
  lost out;
  out.gen = i->second.grace.lose();
  out.was_active = is_active(node);
  return out;
}

std::optional<producer_groups::expired> producer_groups::expire(const std::string& node,
                                                                uint64_t gen, bool left_work) {
  auto i = members_.find(node);
  if (i == members_.end() || !i->second.grace.expired(gen))
    return std::nullopt; // it came back, or this timer is an old one
  auto group = i->second.info.group;
  members_.erase(i);
  expired out;
  auto active = active_.find(group);
  if (active == active_.end() || active->second != node)
    return out; // a standby left: nothing to hand over
  out.was_active = true;
  active_.erase(active);
  if (auto* next = first_standby(group, node)) {
    active_[group] = next->info.node;
    out.successor = next->info.node;
  } else if (left_work) {
    orphaned_by_[group] = node;
    out.orphaned = true;
  }
  return out;
}

std::string producer_groups::active_of(const std::string& group) const {
  auto i = active_.find(group);
  return i == active_.end() ? std::string{} : i->second;
}

bool producer_groups::is_active(const std::string& node) const {
  auto* p = member(node);
  if (p == nullptr)
    return false;
  auto i = active_.find(p->info.group);
  return i != active_.end() && i->second == node;
}

bool producer_groups::pushing(const std::string& node, const std::string& group) const {
  auto* p = member(node);
  auto i = active_.find(group);
  return p != nullptr && !p->grace.lost() && i != active_.end() && i->second == node;
}

const producer_member* producer_groups::member(const std::string& node) const {
  auto i = members_.find(node);
  return i == members_.end() ? nullptr : &i->second;
}

producer_member* producer_groups::first_standby(const std::string& group,
                                                const std::string& except) {
  producer_member* best = nullptr;
  for (auto& [node, p] : members_)
    if (p.info.group == group && node != except && !p.grace.lost()
        && (best == nullptr || p.joined < best->joined))
      best = &p;
  return best;
}

} // namespace drover
