// The pure helpers of a job's task list (store/task_store.hpp), shared by
// both stores. A job's task ids are the id ranges of its lists, so paging
// over all of them is arithmetic on the ranges, with no index on job.
#include "store/task_store.hpp"

#include <algorithm>

namespace drover {

void cut_utf8(std::string& text, std::size_t max) {
  if (text.size() <= max)
    return;
  std::size_t cut = max;
  // Back off continuation bytes (10xxxxxx) to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  text.resize(cut);
}

task_summary summary_of(const task& t, uint32_t max_result) {
  task_summary s;
  s.id = t.id;
  s.job = t.job;
  s.key = t.spec.key;
  s.created_ms = t.created_ms;
  s.state = t.state;
  s.attempt = t.attempt;
  s.max_attempts = t.spec.max_attempts;
  s.type = t.spec.type;
  s.consumer = t.consumer;
  s.result_bytes = t.result.size();
  s.result = std::string{t.result.view().substr(0, std::size_t{max_result} + 4)};
  cut_utf8(s.result, max_result);
  s.finished_ms = t.finished_ms;
  return s;
}

std::map<job_id, job_counts> count_unfinished(const std::vector<task>& unfinished) {
  std::map<job_id, job_counts> counts;
  job_counts* last = nullptr; // tasks of a job are mostly adjacent ids
  for (const auto& t : unfinished) {
    if (!last || last->job != t.job) {
      last = &counts[t.job];
      last->job = t.job;
    }
    ++last->by_state[static_cast<int>(t.state)];
  }
  return counts;
}

bool matches(const task_query& q, const task& t) {
  if (q.job != 0 && t.job != q.job)
    return false;
  if (!q.any_state && t.state != q.state)
    return false;
  return !q.search || (q.id != 0 && t.id == q.id) || (!q.key.empty() && t.spec.key == q.key);
}

std::vector<task_id> page_of(std::vector<stored_list> lists, uint64_t offset, uint32_t limit) {
  std::sort(lists.begin(), lists.end(),
            [](const stored_list& a, const stored_list& b) { return a.first < b.first; });
  std::vector<task_id> ids;
  for (const auto& l : lists) {
    if (ids.size() >= limit)
      break;
    if (offset >= l.count) {
      offset -= l.count;
      continue;
    }
    for (uint64_t i = offset; i < l.count && ids.size() < limit; ++i)
      ids.push_back(l.first + i);
    offset = 0;
  }
  return ids;
}

} // namespace drover
