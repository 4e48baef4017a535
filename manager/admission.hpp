// Backpressure for new work: a task list is admitted only if all its tasks
// fit the bounded queues plus standby, counting lists admitted but still on
// their way to the store (reserved) and tasks parked for now (they left the
// queues only until a fitting consumer joins). A list that does not fit is
// refused whole before anything of it is stored; work the manager already
// owns is never refused (core/queue_bounds.hpp). This part owns the
// reservations and the refusal counts. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/queue_bounds.hpp"
#include "core/task.hpp"

namespace drover {

class waiting_tasks;

using prio_counts = std::array<uint64_t, priority_count>;

class admission {
public:
  /// Tasks per priority of a list.
  static prio_counts need_of(const std::vector<task_spec>& tasks);

  /// Reserves room for `need` if it fits `queues` with what is reserved and
  /// parked in `waiting`; otherwise counts the refusal and returns false.
  [[nodiscard]] bool admit(const prio_counts& need, const bounded_queues& queues,
                           const waiting_tasks& waiting);
  /// The admitted list was stored (its tasks are queued now) or failed to store.
  void release(const prio_counts& need);

  /// "high 3/4, normal ..., standby 0/2": how full the queues are, for the
  /// refusal's message.
  std::string fullness(const bounded_queues& queues, const waiting_tasks& waiting) const;

  const prio_counts& reserved() const { return reserved_; }
  const prio_counts& rejected() const { return rejected_; }
  uint64_t rejected_lists() const { return rejected_lists_; }

private:
  prio_counts reserved_{};  ///< admitted, not yet stored
  prio_counts rejected_{};  ///< tasks refused: queues full
  uint64_t rejected_lists_ = 0;
};

} // namespace drover
