// The assigner's precomputed picture of the current members: node names, a
// tag bit set and a task-type bit set per member and, per rule, which members
// its `to` filter admits. Rebuilt only when membership or the rule set
// changes, so choose() tests a member with a few bit operations instead of
// string compares.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/candidate.hpp"
#include "rules/rule_set.hpp"

namespace drover {

class member_view {
public:
  /// Rebuilds from `cs` (slot i = cs[i]) and the `to` filters of `rs`.
  void build(const std::vector<candidate>& cs, const rule_set& rs);

  size_t size() const { return nodes_.size(); }
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

  /// The id of task type `type`, or -1 if no member runs it. The last
  /// answer is cached: a job's tasks share their type, so the usual cost is
  /// one string compare per task.
  int type_id(std::string_view type);

  /// True if member `slot` runs the task type with id `id`.
  bool runs(size_t slot, uint32_t id) const {
    return (type_bits_[slot * type_words_ + (id >> 6)] & (uint64_t{1} << (id & 63))) != 0;
  }

  /// True if rule `ri`'s `to` filter admits member `slot`; ri >= the number
  /// of rules means the defaults, which admit everyone.
  bool admits(size_t ri, size_t slot) const {
    return ri >= filtered_.size() || !filtered_[ri] || admits_[ri * size() + slot];
  }

private:
  void build_types(const std::vector<candidate>& cs);

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
  std::string last_type_;          ///< type_id's cache
  int last_type_id_ = -2;          ///< -2: nothing cached
};

} // namespace drover
