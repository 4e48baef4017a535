// Choosing a consumer for a task: the pure decision of DESIGN.md §4 that the
// manager calls on its hot path. The result depends only on (task, members,
// rule set) plus the assigner's own memory: round-robin cursors, the seeded
// RNG, the hash ring and run-time averages. No actors, no I/O.
//
// Strategies (among members that fit and have room; see choose()):
//   round_robin   the next one after the last chosen, in candidate order
//   least_loaded  lowest inflight / limit; ties go round-robin. With a load
//                 index (track_loads) and at least 128 eligible members, the
//                 member chosen last keeps the next tasks while its inflight
//                 is below the lowest + limit / 8: work goes out in runs of
//                 limit / 8 tasks per member instead of one task per member
//                 per message (loads still differ by at most that run)
//   hash          consistent hash of the rule's `key` field: the key's owner
//                 on the ring; if the owner is full the task waits (busy)
//                 rather than break stickiness; non-accepting owners are skipped
//   fastest       lowest moving-average run time of this task type; a member
//                 with no data counts as 0 ms, so new members get tried
//   random        uniform, from the seeded RNG: the same seed, the same choices
//   weighted      lowest score = load^B * avg_run_ms^E with load =
//                 (inflight + 1) / limit and B, E the rule's `weights`
//                 (busyness, efficiency; both 1 by default: a member twice as
//                 fast takes about twice the load). A member without data gets
//                 the mean of the known averages (1 ms if none is known, which
//                 makes it least_loaded on load). Ties: the first in the
//                 rotating scan order (deterministic).
// limit = min(rule max_inflight (or the set's default), candidate capacity).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/task.hpp"
#include "rules/candidate.hpp"
#include "rules/hash_ring.hpp"
#include "rules/load_index.hpp"
#include "rules/member_view.hpp"
#include "rules/rule_set.hpp"
#include "rules/run_stats.hpp"

namespace drover {

class assigner {
public:
  /// Starts with default_rules(); `seed` drives the random strategy.
  explicit assigner(uint64_t seed = 42);

  /// Sets the rule set used from now on (the manager swaps whole sets; a
  /// nullptr means default_rules()). Resets the round-robin cursors. The
  /// assigner keeps the set alive, so choice::matched stays valid until the
  /// next use().
  void use(std::shared_ptr<const rule_set> rules);
  const rule_set& rules() const { return *rules_; }

  /// Tells it membership changed: a candidate joined, left, moved in the
  /// list, or changed its node name or tags. REQUIRES: called before the next
  /// choose() after such a change (a change of size is also noticed without
  /// it). inflight, capacity and accepting may change freely between calls.
  void members_changed() { stale_ = true; }

  /// With `on`, the caller promises to call load_changed(i) whenever
  /// candidates[i].inflight, .capacity or .accepting changed, before the next choose()
  /// (membership changes still go through members_changed()). least_loaded
  /// then keeps the members in a load index (rules/load_index.hpp) instead
  /// of scanning all of them per task: the same member is chosen, in
  /// O(log n) rather than O(n). Off (the default): changes are free, as
  /// members_changed() says.
  void track_loads(bool on);
  /// candidates[slot]'s inflight, capacity or accepting changed (see track_loads).
  void load_changed(std::size_t slot) {
    if (track_loads_ && slot < changed_mark_.size() && !changed_mark_[slot]) {
      changed_mark_[slot] = 1;
      changed_.push_back(static_cast<uint32_t>(slot));
    }
  }

  /// Chooses a consumer for `t` among `candidates` (see the file comment).
  /// Never chooses a member that does not run t.spec.type, lacks one of
  /// t.spec.tags, fails the rule's `to` filter, is not accepting, or has
  /// inflight >= limit. An unassignable choice says why (choice::why). No
  /// allocation in steady state.
  choice choose(const task& t, const std::vector<candidate>& candidates) {
    return choose(t, std::string_view{}, candidates);
  }
  /// The same, for rules that match on the job name (`match: { job: ... }`):
  /// the task carries only the job id, the manager knows the name.
  choice choose(const task& t, std::string_view job_name,
                const std::vector<candidate>& candidates);

  /// Records a finished run for fastest/weighted (moving average per node
  /// and task type). Times < 0 or NaN are ignored.
  void record_run(const std::string& node, const std::string& type, double run_ms);

  /// The moving average of (node, type) in ms, or a negative number if none.
  double average_run_ms(const std::string& node, const std::string& type) const {
    return stats_.average(node, type);
  }

  /// `node`'s mean run time over the types it ran, or negative if none.
  double node_speed_ms(const std::string& node) const { return stats_.node_average(node); }

private:
  /// What every strategy needs to know about the current decision.
  struct decision {
    const task& t;
    const std::vector<candidate>& cs;
    size_t rule_index;     ///< into rules_->rules; == size() for the defaults
    uint32_t max_inflight; ///< before the candidate's own capacity
    hash_field key;
    strategy_weights weights; ///< for weighted
    uint32_t limit(const candidate& c) const {
      return c.capacity < max_inflight ? c.capacity : max_inflight;
    }
    bool has_room(const candidate& c) const { return c.accepting && c.inflight < limit(c); }
  };

  bool fits(const decision&, size_t i) const {
    return member_view::has(eligible_, i) && view_.offers(i, wanted_);
  }
  /// For a task no member fits although some run its type: no_tags or rule.
  unassignable_kind explain(const decision& d) const;
  /// Every strategy has this one signature: returns chosen, busy or
  /// unassignable and sets `index` when chosen.
  choice_status pick_round_robin(const decision& d, int& index);
  choice_status pick_least_loaded(const decision& d, int& index);
  /// least_loaded from the load index: no scan (assign_loads.cpp).
  choice_status pick_least_loaded_indexed(const decision& d, int& index);
  choice_status pick_hash(const decision& d, int& index);
  choice_status pick_fastest(const decision& d, int& index);
  choice_status pick_random(const decision& d, int& index);
  choice_status pick_weighted(const decision& d, int& index);

  void refresh(const std::vector<candidate>& cs);
  uint64_t next_random();

  std::shared_ptr<const rule_set> rules_;
  member_view view_;
  hash_ring ring_;
  run_stats stats_;
  uint64_t epoch_ = 0;            ///< bumps on every view rebuild
  uint64_t ring_epoch_ = 0;       ///< the view epoch ring_ was built for
  bool stale_ = true;
  std::vector<uint32_t> cursors_; ///< per rule, the last one for the defaults
  uint64_t rng_;
  std::vector<uint32_t> wanted_;  ///< scratch: tag ids the task wants
  uint32_t type_ = 0;             ///< scratch: the task's type id
  const uint64_t* eligible_ = nullptr; ///< scratch: members of the type the rule admits
  std::vector<int> scratch_;      ///< scratch: eligible slots for random

  // -- least_loaded's load indexes (assign_loads.cpp) --
  /// The members one (rule, type) admits, by load under that rule's limit.
  struct loads {
    bool made = false;
    const uint64_t* eligible = nullptr; ///< the view's set for (rule, type)
    uint32_t max_inflight = 0;
    std::size_t eligible_count = 0;
    int64_t last = -1;              ///< the member chosen last: its run may go on
    load_index index;
  };
  loads& loads_for(const decision& d);
  void apply_load_changes(const std::vector<candidate>& cs);
  void drop_loads();
  bool track_loads_ = false;
  std::vector<loads> loads_;          ///< (rules + 1) x types, made on first use
  std::vector<loads*> made_loads_;    ///< the made ones, to keep in step
  std::vector<uint32_t> changed_;     ///< slots whose load changed since the last choose()
  std::vector<uint8_t> changed_mark_; ///< per slot: in changed_
};

} // namespace drover
