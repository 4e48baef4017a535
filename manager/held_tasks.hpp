// Tasks held out of the queues until another task ends: a split job's merge
// step waits for its parts (one per job), and a task whose dedupe_key a
// running task already has waits for that leader as its follower
// (core/dedupe.hpp). This part decides, for each new task, whether it runs
// or is held, and owns that a held task is handed back once: a merge is
// released or dropped, a follower ends like its leader or leads in its
// place. Pure: the actor reads the parts' results and queues what runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "core/dedupe.hpp"
#include "core/task.hpp"

namespace drover {

class held_tasks {
public:
  enum class intake {
    run,        ///< queue it
    merge,      ///< its job's merge step: held until the parts succeeded
    follower,   ///< waits for the running leader with its dedupe_key
  };
  /// A new or recovered PENDING task: what becomes of it.
  intake take(const task& t);
  /// A recovered task that is leased (ASSIGNED/RUNNING): it leads its
  /// dedupe_key again, so the followers recovered after it keep waiting.
  void lead(const task& t) { dedupe_.join(t.id, t.spec.dedupe_key); }

  // -- merges --
  /// Is the merge of `job` held (waiting for its parts)?
  bool merge_held(job_id job) const { return merges_.count(job) != 0; }
  /// The held merge task of `job` to look at now; 0 if there is none or
  /// its parts' results are being read already.
  task_id merge_to_check(job_id job) const;
  /// The parts' results of `job`'s merge are being read.
  void reading_parts(job_id job);
  /// The merge of `job` was queued or cancelled: no longer held.
  void drop_merge(job_id job) { merges_.erase(job); }
  std::size_t merges() const { return merges_.size(); }

  // -- dedupe followers --
  /// `leader` ended for good: its followers, oldest first, end like it.
  std::vector<task_id> finish(task_id leader) { return dedupe_.finish(leader); }
  /// `id` was cancelled: a leader hands over to its oldest follower, whose
  /// id is returned (to be queued); 0 if none.
  task_id drop(task_id id) { return dedupe_.drop(id); }
  std::size_t followers() const { return dedupe_.followers(); }

private:
  struct merge_hold {
    task_id task = 0;
    bool reading = false;  ///< the parts' results are being read from the store
  };
  std::map<job_id, merge_hold> merges_; ///< by job
  dedupe_index dedupe_;
};

} // namespace drover
