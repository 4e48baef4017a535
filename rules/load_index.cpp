// See load_index.hpp.
#include "rules/load_index.hpp"

#include <algorithm>

namespace drover {

namespace {

uint64_t bit(std::size_t i) {
  return uint64_t{1} << (i & 63);
}

/// Bits of `w` at positions >= i % 64.
uint64_t from_bit(uint64_t w, std::size_t i) {
  return w & (~uint64_t{0} << (i & 63));
}

int64_t lowest(uint64_t w) {
  return __builtin_ctzll(w);
}

} // namespace

// -- slot_set -----------------------------------------------------------------

void slot_set::reset(std::size_t n) {
  words_.assign(n / 64 + 1, 0);
  summary_.assign(words_.size() / 64 + 1, 0);
}

void slot_set::insert(uint32_t slot) {
  words_[slot >> 6] |= bit(slot);
  summary_[slot >> 12] |= bit(slot >> 6);
}

void slot_set::erase(uint32_t slot) {
  auto& w = words_[slot >> 6];
  w &= ~bit(slot);
  if (w == 0)
    summary_[slot >> 12] &= ~bit(slot >> 6);
}

int64_t slot_set::next_word(std::size_t word) const {
  for (std::size_t s = word >> 6; s < summary_.size(); ++s) {
    uint64_t bits = s == word >> 6 ? from_bit(summary_[s], word) : summary_[s];
    if (bits != 0)
      return static_cast<int64_t>(s * 64) + lowest(bits);
  }
  return -1;
}

int64_t slot_set::first_from(std::size_t from) const {
  std::size_t w = from >> 6;
  if (w < words_.size()) {
    if (uint64_t bits = from_bit(words_[w], from))
      return static_cast<int64_t>(w * 64) + lowest(bits);
    if (int64_t next = next_word(w + 1); next >= 0)
      return next * 64 + lowest(words_[next]);
  }
  int64_t first = next_word(0); // wrap around
  return first < 0 ? -1 : first * 64 + lowest(words_[first]);
}

// -- load_index -----------------------------------------------------------------

void load_index::reset(std::size_t n) {
  size_ = n;
  levels_.clear();
  sets_.clear();
  free_sets_.clear();
  places_.assign(n, place{});
  with_room_ = 0;
}

std::size_t load_index::lower_level(uint64_t inflight, uint64_t limit) const {
  // a/b < c/d  <=>  a*d < c*b (limits > 0; loads < 2^32 so no overflow)
  auto it = std::lower_bound(levels_.begin(), levels_.end(), 0, [&](const level& l, int) {
    return l.inflight * limit < inflight * l.limit;
  });
  return static_cast<std::size_t>(it - levels_.begin());
}

void load_index::set(uint32_t slot, bool room, uint32_t inflight, uint32_t limit) {
  auto& p = places_[slot];
  if (p.in == room && (!room || (p.inflight == inflight && p.limit == limit)))
    return;
  if (p.in)
    remove(slot, p);
  if (room)
    add(slot, inflight, limit);
}

void load_index::remove(uint32_t slot, const place& p) {
  auto i = lower_level(p.inflight, p.limit);
  auto& l = levels_[i];
  sets_[l.set].erase(slot);
  if (--l.count == 0) {
    free_sets_.push_back(l.set);
    levels_.erase(levels_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  places_[slot].in = false;
  --with_room_;
}

void load_index::add(uint32_t slot, uint32_t inflight, uint32_t limit) {
  auto i = lower_level(inflight, limit);
  if (i == levels_.size()
      || uint64_t{inflight} * levels_[i].limit != levels_[i].inflight * limit) {
    uint32_t s;
    if (free_sets_.empty()) {
      s = static_cast<uint32_t>(sets_.size());
      sets_.emplace_back().reset(size_);
    } else {
      s = free_sets_.back();
      free_sets_.pop_back(); // empty: its members all left it
    }
    levels_.insert(levels_.begin() + static_cast<std::ptrdiff_t>(i),
                   level{inflight, limit, s, 0});
  }
  auto& l = levels_[i];
  sets_[l.set].insert(slot);
  ++l.count;
  places_[slot] = place{true, inflight, limit};
  ++with_room_;
}

int64_t load_index::least(std::size_t from) const {
  if (levels_.empty())
    return -1;
  return sets_[levels_.front().set].first_from(from);
}

} // namespace drover
