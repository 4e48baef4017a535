// See consumer_pool.hpp.
#include "manager/consumer_pool.hpp"

namespace drover {

consumer_pool::joined consumer_pool::join(const member_info& info, bool same_process) {
  joined out;
  auto i = members_.find(info.node);
  if (i != members_.end() && (same_process || i->second.recovered)) {
    auto& c = i->second;
    out.returned = true;
    out.was_recovered = c.recovered;
    out.was_lost = c.grace.lost();
    c.grace.back(); // the pending grace timer is now stale
    c.recovered = false;
    c.info = info;
  } else {
    out.new_incarnation = i != members_.end();
    auto& c = members_[info.node];
    auto grace = c.grace;
    auto mode = c.leaving ? node_mode::awake : c.mode;
    c = consumer_member{};
    c.grace = grace;
    c.grace.back();
    c.mode = mode;
    c.info = info;
  }
  dirty_ = true;
  return out;
}

consumer_member& consumer_pool::recovered(const std::string& node) {
  auto& c = touch(members_[node]);
  if (!c.recovered && c.info.node.empty()) {
    c.info = member_info{node, member_role::consumer, {}, 0, "", "", {}};
    c.recovered = true;
    c.grace.lose(); // no process yet: nothing is assigned to it
    dirty_ = true;
  }
  return c;
}

void consumer_pool::erase(const std::string& node) {
  if (members_.erase(node) > 0)
    dirty_ = true;
}

consumer_member* consumer_pool::find(const std::string& node) {
  auto i = members_.find(node);
  return i == members_.end() ? nullptr : &touch(i->second);
}

const consumer_member* consumer_pool::find(const std::string& node) const {
  auto i = members_.find(node);
  return i == members_.end() ? nullptr : &i->second;
}

consumer_member& consumer_pool::touch(consumer_member& c) {
  if (!c.touched) {
    c.touched = true;
    touched_.push_back(&c);
  }
  return c;
}

void consumer_pool::refresh(consumer_member& c) {
  auto& cand = candidates_[c.slot];
  cand.inflight = c.inflight;
  cand.capacity = c.window();
  cand.accepting = c.accepting();
  c.touched = false;
  refreshed_.push_back(c.slot);
}

std::vector<candidate>& consumer_pool::candidates() {
  refreshed_.clear();
  if (dirty_ || candidates_.size() != members_.size()) {
    // A join or a leave: the touched list may name erased members.
    touched_.clear();
    candidates_.clear();
    candidate_of_.clear();
    for (auto& [node, c] : members_) {
      c.slot = static_cast<uint32_t>(candidates_.size());
      candidates_.push_back(candidate{node, c.info.tags, c.window(), 0, true, c.info.types});
      candidate_of_.push_back(&c);
    }
    dirty_ = false;
    rebuilt_ = true;
    all_touched_ = true;
  }
  if (all_touched_) {
    for (auto* c : candidate_of_)
      refresh(*c);
    all_touched_ = false;
  } else {
    for (auto* c : touched_)
      refresh(*c);
  }
  touched_.clear();
  return candidates_;
}

bool consumer_pool::take_rebuilt() {
  bool r = rebuilt_;
  rebuilt_ = false;
  return r;
}

} // namespace drover
