// The consistent-hash ring of the `hash` strategy: every member owns
// `points_per_node` pseudo-random points on a 64-bit circle and a key belongs
// to the first point at or after its hash. So a key stays on its member while
// membership is stable, and a join or leave moves only ~1/N of the keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drover {

/// 64-bit hash of bytes (FNV-1a then a murmur3 finaliser, because plain
/// FNV-1a clusters similar short strings such as "user1", "user2").
uint64_t hash_bytes(std::string_view bytes);
/// The same for a number (e.g. a job id).
uint64_t hash_number(uint64_t x);

class hash_ring {
public:
  /// 128 points keep each member's share within a few percent of 1/N for
  /// N <= 64 while the ring (64 members: 8192 points) stays cache friendly.
  static constexpr uint32_t points_per_node = 128;

  /// Rebuilds the ring; member i of `nodes` is slot i. Points depend only on
  /// the node name, so a member keeps its points across rebuilds.
  void build(const std::vector<std::string>& nodes);

  size_t size() const { return hashes_.size(); }
  /// Position of the first point at or after `h` (wrapping). REQUIRES: size() > 0.
  size_t find(uint64_t h) const;
  /// Slot of the point at position `pos` (taken modulo size()).
  uint32_t slot_at(size_t pos) const { return slots_[pos % slots_.size()]; }

private:
  std::vector<uint64_t> hashes_; ///< sorted; kept apart from slots_ so the
  std::vector<uint32_t> slots_;  ///< binary search touches fewer cache lines
};

} // namespace drover
