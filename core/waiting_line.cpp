#include "core/waiting_line.hpp"

#include <algorithm>

namespace drover {

std::optional<assignment> waiting_line::next(size_t running, uint32_t capacity) {
  if (line_.empty() || running >= capacity)
    return std::nullopt;
  auto a = std::move(line_.front());
  line_.pop_front();
  return a;
}

bool waiting_line::drop(task_id id, uint64_t lease) {
  auto i = std::find_if(line_.begin(), line_.end(),
                        [&](const assignment& a) { return a.id == id && a.lease == lease; });
  if (i == line_.end())
    return false;
  line_.erase(i);
  return true;
}

std::vector<lease_ref> waiting_line::leases() const {
  std::vector<lease_ref> out;
  out.reserve(line_.size());
  for (const auto& a : line_)
    out.push_back(lease_ref{a.id, a.lease});
  return out;
}

std::vector<lease_ref> waiting_line::take_all() {
  auto out = leases();
  line_.clear();
  return out;
}

} // namespace drover
