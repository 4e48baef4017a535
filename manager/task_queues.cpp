// See task_queues.hpp.
#include "manager/task_queues.hpp"

namespace drover {

std::optional<task_id> task_queues::pop() {
  task_id id = 0;
  if (!queued_.pop(id))
    return std::nullopt;
  return id;
}

} // namespace drover
