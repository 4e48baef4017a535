// See held_tasks.hpp.
#include "manager/held_tasks.hpp"

#include "core/job_split.hpp"

namespace drover {

held_tasks::intake held_tasks::take(const task& t) {
  if (is_merge(t.spec)) {
    merges_[t.job] = merge_hold{t.id, false};
    return intake::merge;
  }
  return dedupe_.join(t.id, t.spec.dedupe_key) ? intake::run : intake::follower;
}

task_id held_tasks::merge_to_check(job_id job) const {
  auto m = merges_.find(job);
  return m == merges_.end() || m->second.reading ? 0 : m->second.task;
}

void held_tasks::reading_parts(job_id job) {
  if (auto m = merges_.find(job); m != merges_.end())
    m->second.reading = true;
}

} // namespace drover
