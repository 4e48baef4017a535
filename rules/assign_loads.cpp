// least_loaded without a scan: the assigner's load indexes, one per (rule,
// task type) in use, kept in step with the loads the caller reports
// (assigner::track_loads). The choice is the scan's: the lowest
// inflight / limit among the members with room, ties to the first at or
// after the rule's cursor.
#include "rules/assign.hpp"

namespace drover {

namespace {

/// From this many eligible members on, least_loaded hands out runs (see
/// assign.hpp): below it a pass already gives each member several tasks.
constexpr std::size_t runs_from_members = 128;

} // namespace

void assigner::track_loads(bool on) {
  track_loads_ = on;
  stale_ = true; // untracked changes may have happened: start from the candidates
}

void assigner::drop_loads() {
  for (auto* l : made_loads_)
    *l = loads{};
  made_loads_.clear();
  loads_.clear();
  loads_.resize((rules_->rules.size() + 1) * view_.type_count());
  changed_.clear();
  changed_mark_.assign(view_.size(), 0);
}

assigner::loads& assigner::loads_for(const decision& d) {
  auto& l = loads_[d.rule_index * view_.type_count() + type_];
  if (l.made)
    return l;
  l.made = true;
  l.eligible = eligible_;
  l.max_inflight = d.max_inflight;
  l.index.reset(d.cs.size());
  for (std::size_t i = 0; i < d.cs.size(); ++i)
    if (member_view::has(l.eligible, i)) {
      ++l.eligible_count;
      const auto& c = d.cs[i];
      l.index.set(static_cast<uint32_t>(i), d.has_room(c), c.inflight, d.limit(c));
    }
  made_loads_.push_back(&l);
  return l;
}

void assigner::apply_load_changes(const std::vector<candidate>& cs) {
  for (auto slot : changed_) {
    changed_mark_[slot] = 0;
    const auto& c = cs[slot];
    for (auto* l : made_loads_)
      if (member_view::has(l->eligible, slot)) {
        uint32_t limit = c.capacity < l->max_inflight ? c.capacity : l->max_inflight;
        l->index.set(slot, c.accepting && c.inflight < limit, c.inflight, limit);
      }
  }
  changed_.clear();
}

choice_status assigner::pick_least_loaded_indexed(const decision& d, int& index) {
  apply_load_changes(d.cs);
  auto& l = loads_for(d);
  uint32_t& cursor = cursors_[d.rule_index];
  int64_t best = l.index.least(cursor % d.cs.size());
  if (best < 0)
    return l.eligible_count > 0 ? choice_status::busy : choice_status::unassignable;
  if (l.eligible_count >= runs_from_members && l.last >= 0 && l.last != best) {
    const auto& prev = d.cs[static_cast<std::size_t>(l.last)];
    const auto& least = d.cs[static_cast<std::size_t>(best)];
    uint64_t prev_limit = d.limit(prev), least_limit = d.limit(least);
    uint64_t run = least_limit / 8 > 1 ? least_limit / 8 : 1;
    // prev.inflight / prev_limit < (least.inflight + run) / least_limit
    if (d.has_room(prev) && prev.inflight * least_limit < (least.inflight + run) * prev_limit)
      best = l.last; // its run goes on
  }
  l.last = best;
  index = static_cast<int>(best);
  cursor = static_cast<uint32_t>(index + 1);
  return choice_status::chosen;
}

} // namespace drover
