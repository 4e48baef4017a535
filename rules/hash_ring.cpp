// Consistent-hash ring; see hash_ring.hpp.
#include "rules/hash_ring.hpp"

#include <algorithm>
#include <utility>

namespace drover {

namespace {

uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

} // namespace

uint64_t hash_bytes(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmix64(h);
}

uint64_t hash_number(uint64_t x) {
  return fmix64(x + 0x9e3779b97f4a7c15ull);
}

void hash_ring::build(const std::vector<std::string>& nodes) {
  std::vector<std::pair<uint64_t, uint32_t>> points;
  points.reserve(nodes.size() * points_per_node);
  for (uint32_t slot = 0; slot < nodes.size(); ++slot) {
    uint64_t base = hash_bytes(nodes[slot]);
    for (uint64_t i = 1; i <= points_per_node; ++i)
      points.emplace_back(fmix64(base + i * 0x9e3779b97f4a7c15ull), slot);
  }
  // Ties (astronomically rare) break by slot so the order is deterministic.
  std::sort(points.begin(), points.end());
  hashes_.resize(points.size());
  slots_.resize(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    hashes_[i] = points[i].first;
    slots_[i] = points[i].second;
  }
}

size_t hash_ring::find(uint64_t h) const {
  auto it = std::lower_bound(hashes_.begin(), hashes_.end(), h);
  return it == hashes_.end() ? 0 : static_cast<size_t>(it - hashes_.begin());
}

} // namespace drover
