// See task_queues.hpp.
#include "manager/task_queues.hpp"

namespace drover {

std::optional<task_id> task_queues::pop() {
  return queued_.pop();
}

} // namespace drover
