// Precomputed member tags and rule filters; see member_view.hpp.
#include "rules/member_view.hpp"

#include <algorithm>

#include "rules/match.hpp"

namespace drover {

void member_view::build(const std::vector<candidate>& cs, const rule_set& rs) {
  nodes_.clear();
  slots_.clear();
  tag_ids_.clear();
  for (size_t i = 0; i < cs.size(); ++i) {
    nodes_.push_back(cs[i].node);
    slots_[cs[i].node] = static_cast<int>(i);
    for (const auto& tag : cs[i].tags)
      tag_ids_.emplace(tag, static_cast<uint32_t>(tag_ids_.size()));
  }
  words_ = tag_ids_.size() / 64 + 1;
  tag_bits_.assign(cs.size() * words_, 0);
  for (size_t i = 0; i < cs.size(); ++i)
    for (const auto& tag : cs[i].tags) {
      uint32_t id = tag_ids_[tag];
      tag_bits_[i * words_ + (id >> 6)] |= uint64_t{1} << (id & 63);
    }
  build_types(cs);
  rule_count_ = rs.rules.size();
  eligible_.assign((rule_count_ + 1) * types_.size(), {});
  filtered_.assign(rs.rules.size(), 0);
  admits_.assign(rs.rules.size() * cs.size(), 0);
  for (size_t r = 0; r < rs.rules.size(); ++r) {
    const auto& to = rs.rules[r].to;
    filtered_[r] = to.is_empty() ? 0 : 1;
    for (size_t i = 0; i < cs.size(); ++i)
      admits_[r * cs.size() + i] = drover::admits(to, cs[i].node, cs[i].tags) ? 1 : 0;
  }
}

void member_view::build_types(const std::vector<candidate>& cs) {
  types_.clear();
  for (const auto& c : cs)
    types_.insert(types_.end(), c.types.begin(), c.types.end());
  std::sort(types_.begin(), types_.end());
  types_.erase(std::unique(types_.begin(), types_.end()), types_.end());
  type_words_ = types_.size() / 64 + 1;
  type_bits_.assign(cs.size() * type_words_, 0);
  for (size_t i = 0; i < cs.size(); ++i)
    for (const auto& type : cs[i].types) {
      auto id = static_cast<uint32_t>(
        std::lower_bound(types_.begin(), types_.end(), type) - types_.begin());
      type_bits_[i * type_words_ + (id >> 6)] |= uint64_t{1} << (id & 63);
    }
  type_cache_used_ = 0; // the ids changed
  type_cache_next_ = 0;
  last_hit_ = 0;
}

int member_view::find_type(const compact_string& type) {
  for (size_t i = 0; i < type_cache_used_; ++i)
    if (type_cache_[i].type == type) { // equal words first: shared or inline text
      last_hit_ = i;
      return type_cache_[i].id;
    }
  std::string_view t = type;
  auto it = std::lower_bound(types_.begin(), types_.end(), t,
                             [](const std::string& a, std::string_view b) { return a < b; });
  int id = it != types_.end() && *it == t ? static_cast<int>(it - types_.begin()) : -1;
  last_hit_ = type_cache_next_;
  type_cache_[type_cache_next_] = cached_type{type, id};
  type_cache_next_ = (type_cache_next_ + 1) % type_cache_.size();
  type_cache_used_ = std::max(type_cache_used_, type_cache_next_ == 0 ? type_cache_.size()
                                                                     : type_cache_next_);
  return id;
}

const uint64_t* member_view::make_eligible(std::vector<uint64_t>& set, size_t ri,
                                           uint32_t type) {
  set.assign(size() / 64 + 1, 0);
  for (size_t slot = 0; slot < size(); ++slot)
    if (runs(slot, type) && admits(ri, slot))
      set[slot >> 6] |= uint64_t{1} << (slot & 63);
  return set.data();
}

int member_view::slot_of(const std::string& node) const {
  auto it = slots_.find(node);
  return it == slots_.end() ? -1 : it->second;
}

bool member_view::tag_ids(const std::vector<std::string>& tags,
                          std::vector<uint32_t>& out) const {
  out.clear();
  for (const auto& tag : tags) {
    auto it = tag_ids_.find(tag);
    if (it == tag_ids_.end())
      return false;
    out.push_back(it->second);
  }
  return true;
}

} // namespace drover
