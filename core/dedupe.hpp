// Dedupe of identical sub-tasks (DESIGN.md §5), so shared work runs once:
// while a task with a given dedupe_key is pending, assigned or running, later
// tasks with the same key, in any job, attach to it as followers instead of
// running. The leader runs once; when it ends, every follower ends the same
// way with the same result. Pure bookkeeping, no actor: the manager calls it.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/task.hpp"

namespace drover {

/// Keys starting with this are drover's own (the merge step's marker) and
/// never dedupe; a submitted task may not use them.
constexpr std::string_view reserved_key_prefix = "drover:";

class dedupe_index {
public:
  /// A new live task: true if it should run (no key, or it leads its key),
  /// false if it attached to the running leader of its key.
  bool join(task_id id, const std::string& key);
  /// The leader ended for good: its followers, oldest first; the key is free.
  std::vector<task_id> finish(task_id leader);
  /// A task ended without a result (cancelled). A follower just leaves; a
  /// leader hands over to its oldest follower, whose id is returned (0 if
  /// none) and which must now be queued.
  task_id drop(task_id id);
  /// Is this task waiting on a leader?
  bool is_follower(task_id id) const;
  std::size_t followers() const { return followers_; }
  std::size_t keys() const { return groups_.size(); }

private:
  struct group {
    task_id leader = 0;
    std::deque<task_id> followers;
  };
  std::unordered_map<std::string, group> groups_;
  std::unordered_map<task_id, std::string> key_of_; ///< leaders and followers
  std::size_t followers_ = 0;
};

/// Ends a follower like its leader: same terminal state and result, version
/// +1, finished now. (PENDING -> terminal is allowed only here: the follower
/// never ran, its leader did.)
void finish_like(task& follower, const task& leader, int64_t now_ms);

} // namespace drover
