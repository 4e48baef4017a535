#include "core/queues.hpp"

namespace drover {

namespace {

// Which queue each of the 12 picks of a cycle prefers: 8 high, 3 normal, 1 low.
constexpr int cycle[12] = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 2};

} // namespace

void priority_queues::push(task_id id, priority p) {
  queues_[static_cast<int>(p)].push_back(id);
  ++size_;
}

void priority_queues::push_front(task_id id, priority p) {
  queues_[static_cast<int>(p)].push_front(id);
  ++size_;
}

bool priority_queues::pop(task_id& out) {
  if (size_ == 0)
    return false;
  int preferred = cycle[turn_++ % 12];
  // The preferred queue if it has work, else the next one round the cycle.
  for (int i = 0; i < priority_count; ++i) {
    auto& q = queues_[(preferred + i) % priority_count];
    if (!q.empty()) {
      out = q.front();
      q.pop_front();
      --size_;
      return true;
    }
  }
  return false;
}

} // namespace drover
