#include "core/dedupe.hpp"

#include <algorithm>

namespace drover {

bool dedupe_index::join(task_id id, const std::string& key) {
  if (key.empty() || key.compare(0, reserved_key_prefix.size(), reserved_key_prefix) == 0)
    return true;
  auto [g, fresh] = groups_.try_emplace(key);
  key_of_[id] = key;
  if (fresh) {
    g->second.leader = id;
    return true;
  }
  g->second.followers.push_back(id);
  ++followers_;
  return false;
}

std::vector<task_id> dedupe_index::finish(task_id leader) {
  auto k = key_of_.find(leader);
  if (k == key_of_.end())
    return {};
  auto g = groups_.find(k->second);
  std::vector<task_id> out;
  if (g != groups_.end() && g->second.leader == leader) {
    out.assign(g->second.followers.begin(), g->second.followers.end());
    followers_ -= out.size();
    for (auto f : out)
      key_of_.erase(f);
    groups_.erase(g);
  }
  key_of_.erase(k);
  return out;
}

task_id dedupe_index::drop(task_id id) {
  auto k = key_of_.find(id);
  if (k == key_of_.end())
    return 0;
  auto g = groups_.find(k->second);
  key_of_.erase(k);
  if (g == groups_.end())
    return 0;
  auto& grp = g->second;
  if (grp.leader != id) {
    auto f = std::find(grp.followers.begin(), grp.followers.end(), id);
    if (f != grp.followers.end()) {
      grp.followers.erase(f);
      --followers_;
    }
    return 0;
  }
  if (grp.followers.empty()) {
    groups_.erase(g);
    return 0;
  }
  grp.leader = grp.followers.front(); // the oldest follower takes over
  grp.followers.pop_front();
  --followers_;
  return grp.leader;
}

bool dedupe_index::is_follower(task_id id) const {
  auto k = key_of_.find(id);
  if (k == key_of_.end())
    return false;
  auto g = groups_.find(k->second);
  return g != groups_.end() && g->second.leader != id;
}

void finish_like(task& follower, const task& leader, int64_t now_ms) {
  follower.state = leader.state;
  follower.result = leader.result;
  ++follower.version;
  follower.finished_ms = now_ms;
}

} // namespace drover
