// The pending queues of DESIGN.md §5: one FIFO per priority, served by
// weight (high 8 : normal 3 : low 1 of every 12 picks) so low never starves.
// Bounds and the overflow queue come with issue 10.
#pragma once

#include <array>
#include <cstddef>
#include <deque>

#include "core/task.hpp"

namespace drover {

class priority_queues {
public:
  void push(task_id id, priority p);
  /// Puts a task back at the head of its queue (it could not be placed yet).
  void push_front(task_id id, priority p);
  /// The next task by weight; false if all queues are empty.
  bool pop(task_id& out);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t size(priority p) const { return queues_[static_cast<int>(p)].size(); }

private:
  std::array<std::deque<task_id>, priority_count> queues_;
  std::size_t size_ = 0;
  unsigned turn_ = 0; ///< position in the 12-pick weight cycle
};

} // namespace drover
