// Tasks that no live member can take (the assigner said unassignable): they
// wait here, never fail for it, and go back to the queues whenever
// membership or the rules change. Each is counted per job and per reason, so
// job status, /metrics and the dashboard can say why work waits, e.g. "no
// live consumer runs type 'resize'". Owned by the manager; no actors here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/task.hpp"
#include "rules/candidate.hpp"

namespace drover {

/// Tasks waiting for one reason, as job status and /metrics show them.
struct waiting_group {
  std::string why;     ///< no_type, no_tags, rule (rules/candidate.hpp), or no_consumer
  std::string type;    ///< the tasks' type
  std::string detail;  ///< no_tags: the wanted tags, comma-separated; rule: the rule's name
  std::string reason;  ///< the sentence, e.g. "no live consumer runs type 'resize'"
  uint64_t tasks = 0;
};

/// "no_type", "no_tags", "rule" or "none".
const char* to_string(unassignable_kind k);

/// The sentence for a group: "no live consumer runs type 'resize'", "no live
/// consumer that runs type 'render' has tags [gpu]", "rule 'gpu-work' admits
/// no live consumer that runs type 'render'".
std::string describe(unassignable_kind why, std::string_view type, std::string_view detail);

class waiting_tasks {
public:
  /// Parks task `id` of `job`. `why` is not none; `tags` are the task's wanted
  /// tags (the detail of no_tags), `rule_name` the matched rule's (of rule).
  /// Consecutive tasks with the same reason cost a few compares, no allocation.
  void park(task_id id, job_id job, priority prio, unassignable_kind why, std::string_view type,
            const std::vector<std::string>& tags, std::string_view rule_name);

  /// Every parked id, oldest first; nothing is parked afterwards.
  std::vector<task_id> take_all();

  /// Parked task `id` left for good (cancelled). O(parked).
  void forget(task_id id);
  /// Every parked task of `job` left for good (the job was cancelled). O(parked).
  void forget_job(job_id job);

  size_t size() const { return entries_.size(); }
  /// Parked tasks of priority `p` (admission counts them as queued).
  uint64_t count(priority p) const { return by_prio_[static_cast<int>(p)]; }
  /// Parked tasks of `job`.
  uint64_t count_of(job_id job) const;
  /// Groups of `job`, largest first.
  std::vector<waiting_group> groups_of(job_id job) const;
  /// Groups over all jobs, largest first.
  std::vector<waiting_group> groups() const;

private:
  struct entry {
    task_id id;
    job_id job;
    uint32_t reason;
    priority prio;
  };
  struct reason_entry {
    unassignable_kind why;
    std::string type;
    std::string detail;
    uint64_t tasks = 0;
  };

  uint32_t intern(unassignable_kind why, std::string_view type,
                  const std::vector<std::string>& tags, std::string_view rule_name);
  void drop(const entry& e);
  waiting_group group(uint32_t reason, uint64_t tasks) const;

  std::vector<entry> entries_;
  std::vector<reason_entry> reasons_;
  std::unordered_map<std::string, uint32_t> index_; ///< why + type + detail -> reason
  std::map<job_id, std::map<uint32_t, uint64_t>> by_job_; ///< job -> reason -> tasks
  uint64_t by_prio_[priority_count] = {};
  // intern()'s cache: the last reason and what it was made from
  int last_ = -1;
  std::vector<std::string> last_tags_;
};

} // namespace drover
