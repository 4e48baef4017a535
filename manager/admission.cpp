// See admission.hpp.
#include "manager/admission.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rules/waiting.hpp"

namespace drover {

prio_counts admission::need_of(const std::vector<task_spec>& tasks) {
  prio_counts need{};
  for (const auto& spec : tasks)
    ++need[static_cast<int>(spec.prio)];
  return need;
}

bool admission::admit(const prio_counts& need, const bounded_queues& queues,
                      const waiting_tasks& waiting) {
  auto held = reserved_;
  for (int p = 0; p < priority_count; ++p)
    held[p] += waiting.count(static_cast<priority>(p));
  if (!queues.admits(need, held)) {
    for (int p = 0; p < priority_count; ++p)
      rejected_[p] += need[p];
    ++rejected_lists_;
    return false;
  }
  for (int p = 0; p < priority_count; ++p)
    reserved_[p] += need[p];
  return true;
}

void admission::release(const prio_counts& need) {
  for (int p = 0; p < priority_count; ++p)
    reserved_[p] -= std::min(reserved_[p], need[p]);
}

std::string admission::fullness(const bounded_queues& queues,
                                const waiting_tasks& waiting) const {
  std::string out;
  const auto& lim = queues.limits();
  for (int p = 0; p < priority_count; ++p) {
    auto prio = static_cast<priority>(p);
    out += fmt::format("{} {}/{}, ", to_string(prio),
                       queues.size(prio) + reserved_[p] + waiting.count(prio), lim.capacity[p]);
  }
  return out + fmt::format("standby {}/{}", queues.standby_size(), lim.standby);
}

} // namespace drover
