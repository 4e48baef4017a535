// Members ordered by load for least_loaded: which member with room has the
// lowest inflight / limit, ties to the first at or after a cursor (wrapping),
// found without a pass over every member. The members are grouped in levels
// of equal load (exact: 1/2 and 2/4 are one level), the levels kept sorted;
// each level is a two-level bit set of slots, so the first slot at or after
// the cursor is a few word scans. A member without room is in no level.
// Updates and queries cost O(log levels + members / 4096); with equal limits
// there are at most limit + 1 levels. No allocation once the levels exist.
#pragma once

#include <cstdint>
#include <vector>

namespace drover {

/// Slots 0..n-1 as bits, with a summary bit per non-empty word so that the
/// next set slot after a position is found in a few word operations.
class slot_set {
public:
  void reset(std::size_t n);
  void insert(uint32_t slot);
  void erase(uint32_t slot);
  /// The first slot >= `from` in the set, else the first one from 0
  /// (wrapping); -1 if the set is empty.
  int64_t first_from(std::size_t from) const;

private:
  int64_t next_word(std::size_t word) const; ///< the first non-empty word >= word, or -1
  std::vector<uint64_t> words_;
  std::vector<uint64_t> summary_; ///< bit w: words_[w] != 0
};

class load_index {
public:
  /// Empty, for members 0..n-1.
  void reset(std::size_t n);
  /// Member `slot` has room (accepting and inflight < limit) with this load,
  /// or no room (then it is in no level). Unchanged values cost a compare.
  /// REQUIRES: limit > 0 when `room`.
  void set(uint32_t slot, bool room, uint32_t inflight, uint32_t limit);
  /// The member with room of the lowest inflight / limit; among equals the
  /// first at or after `from` (then from 0). -1 if no member has room.
  int64_t least(std::size_t from) const;
  /// Members with room.
  std::size_t with_room() const { return with_room_; }

private:
  struct level {
    uint64_t inflight = 0, limit = 1; ///< the load inflight / limit of every member in it
    uint32_t set = 0;                 ///< into sets_
    uint32_t count = 0;
  };
  struct place {
    bool in = false;       ///< in a level (has room)
    uint32_t inflight = 0; ///< its load when in
    uint32_t limit = 1;
  };
  /// The position of the first level whose load is >= inflight / limit.
  std::size_t lower_level(uint64_t inflight, uint64_t limit) const;
  void remove(uint32_t slot, const place& p);
  void add(uint32_t slot, uint32_t inflight, uint32_t limit);

  std::size_t size_ = 0;
  std::vector<level> levels_;       ///< non-empty, ascending by load
  std::vector<slot_set> sets_;      ///< each level's members; reused once a level empties
  std::vector<uint32_t> free_sets_; ///< indexes into sets_ of no level
  std::vector<place> places_;       ///< per slot
  std::size_t with_room_ = 0;
};

} // namespace drover
