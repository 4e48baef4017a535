// Precomputed member tags and rule filters; see member_view.hpp.
#include "rules/member_view.hpp"

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
  filtered_.assign(rs.rules.size(), 0);
  admits_.assign(rs.rules.size() * cs.size(), 0);
  for (size_t r = 0; r < rs.rules.size(); ++r) {
    const auto& to = rs.rules[r].to;
    filtered_[r] = to.is_empty() ? 0 : 1;
    for (size_t i = 0; i < cs.size(); ++i)
      admits_[r * cs.size() + i] = drover::admits(to, cs[i].node, cs[i].tags) ? 1 : 0;
  }
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
