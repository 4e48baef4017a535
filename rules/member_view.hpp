// The assigner's precomputed picture of the current members: node names, a
// tag bit set and a task-type bit set per member and, per rule, which members
// its `to` filter admits. Rebuilt only when membership or the rule set
// changes, so choose() tests a member with a few bit operations instead of
// string compares.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/compact_string.hpp"
#include "rules/candidate.hpp"
#include "rules/rule_set.hpp"

namespace drover {

class member_view {
public:
  /// Rebuilds from `cs` (slot i = cs[i]) and the `to` filters of `rs`.
  void build(const std::vector<candidate>& cs, const rule_set& rs);

  size_t size() const { return nodes_.size(); }
  /// Distinct task types the members run (type ids are 0 .. type_count() - 1).
  size_t type_count() const { return types_.size(); }
  const std::vector<std::string>& nodes() const { return nodes_; }
  /// Slot of `node`, or -1 if it is not a member.
  int slot_of(const std::string& node) const;

  /// Tag ids of `tags` into `out` (cleared first). False if a tag is offered
  /// by no member, so no member can take the task.
  bool tag_ids(const std::vector<std::string>& tags, std::vector<uint32_t>& out) const;

  /// True if member `slot` offers every tag in `ids`.
  bool offers(size_t slot, const std::vector<uint32_t>& ids) const {
    const uint64_t* bits = tag_bits_.data() + slot * words_;
    for (uint32_t id : ids)
      if ((bits[id >> 6] & (uint64_t{1} << (id & 63))) == 0)
        return false;
    return true;
  }

  /// The id of task type `type`, or -1 if no member runs it. The last few
  /// answers are cached by the string itself: tasks of a job share their
  /// type's text, so the usual cost is a word compare or two per task.
  int type_id(const compact_string& type) {
    const auto& last = type_cache_[last_hit_];
    if (type_cache_used_ > 0 && last.type == type) // the hot path: inline
      return last.id;
    return find_type(type);
  }

  /// True if member `slot` runs the task type with id `id`.
  bool runs(size_t slot, uint32_t id) const {
    return (type_bits_[slot * type_words_ + (id >> 6)] & (uint64_t{1} << (id & 63))) != 0;
  }

  /// The members that run type `type` and that rule `ri`'s `to` filter
  /// admits (ri >= the number of rules: the defaults), as a bit set by slot;
  /// test one with has(). Made on first use after build(), so choose() pays
  /// one bit test per member for both conditions.
  const uint64_t* eligible(size_t ri, uint32_t type) {
    auto& set = eligible_[(ri < rule_count_ ? ri : rule_count_) * types_.size() + type];
    return set.empty() ? make_eligible(set, ri, type) : set.data();
  }
  static bool has(const uint64_t* set, size_t slot) {
    return (set[slot >> 6] & (uint64_t{1} << (slot & 63))) != 0;
  }

  /// True if rule `ri`'s `to` filter admits member `slot`; ri >= the number
  /// of rules means the defaults, which admit everyone.
  bool admits(size_t ri, size_t slot) const {
    return ri >= filtered_.size() || !filtered_[ri] || admits_[ri * size() + slot];
  }

private:
  void build_types(const std::vector<candidate>& cs);
  int find_type(const compact_string& type);
  const uint64_t* make_eligible(std::vector<uint64_t>& set, size_t ri, uint32_t type);

  std::vector<std::string> nodes_;
  std::unordered_map<std::string, int> slots_;
  std::unordered_map<std::string, uint32_t> tag_ids_;
  size_t words_ = 0;               ///< 64-bit words per member in tag_bits_
  std::vector<uint64_t> tag_bits_; ///< members x words_
  std::vector<uint8_t> filtered_;  ///< per rule: 1 if it has a `to` filter
  std::vector<uint8_t> admits_;    ///< rules x members
  std::vector<std::string> types_; ///< every type some member runs, sorted; id = index
  size_t type_words_ = 0;          ///< 64-bit words per member in type_bits_
  std::vector<uint64_t> type_bits_; ///< members x type_words_
  struct cached_type {
    compact_string type;           ///< a copy keeps a shared text's address unique
    int id = -1;
  };
  std::array<cached_type, 4> type_cache_; ///< type_id's, replaced round-robin
  size_t type_cache_used_ = 0;     ///< entries filled since build()
  size_t type_cache_next_ = 0;
  size_t last_hit_ = 0;            ///< the entry that answered last
  std::vector<std::vector<uint64_t>> eligible_; ///< (rules + 1) x types, empty: not made yet
  size_t rule_count_ = 0;
};

} // namespace drover
