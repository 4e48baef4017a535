// Bounded priority queues with a standby (overflow) queue (DESIGN.md §5), so
// memory stays bounded under a flood of work. Each of high / normal / low
// holds at most `capacity` pending task ids; a task that finds its queue full
// waits in the standby queue and moves up, oldest first, as its queue drains.
// Queues are served by weight (default high 8 : normal 3 : low 1) so low
// never starves.
//
// push() never refuses: tasks the manager already owns (retries, recovered
// tasks, reclaimed leases) must not be dropped, so they may overfill the
// standby queue. New work is refused up front instead: admits() says whether
// a list of new tasks fits before anything of it is stored.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <deque>
#include <string>
#include <vector>

#include "core/task.hpp"

namespace drover {

/// The `queues:` section of the config file.
struct queue_limits {
  std::array<uint64_t, priority_count> capacity{4'000'000, 4'000'000, 4'000'000};
  uint64_t standby = 4'000'000;
  std::array<uint32_t, priority_count> weights{8, 3, 1};
};

/// Checks limits: capacities >= 1, weights >= 1 and <= 1000. Empty if fine,
/// else a message naming the field, e.g. "queues.weights.low: must be >= 1".
std::string validate(const queue_limits& l);

class bounded_queues {
public:
  explicit bounded_queues(queue_limits limits = {});

  /// Replaces the limits (before use; queued ids stay where they are).
  void configure(const queue_limits& limits);
  const queue_limits& limits() const { return limits_; }

  /// Queues a task; to standby if its queue is full. Never refuses.
  void push(task_id id, priority p);
  /// Puts a task back at the head of its queue (it could not be placed yet).
  void push_front(task_id id, priority p);
  /// The next task by weight; none if all queues are empty.
  std::optional<task_id> pop();

  /// Would `count[p]` more tasks of each priority fit, queues plus standby,
  /// on top of `reserved` (admitted, not yet queued)?
  bool admits(const std::array<uint64_t, priority_count>& count,
              const std::array<uint64_t, priority_count>& reserved) const;

  bool empty() const { return size() == 0; }
  /// Queued tasks, standby included.
  std::size_t size() const { return size_ + standby_size(); }
  /// Tasks in the priority queue `p` (not counting its standby).
  std::size_t size(priority p) const { return queues_[idx(p)].size(); }
  std::size_t standby_size() const;
  std::size_t standby_size(priority p) const { return standby_[idx(p)].size(); }

private:
  static int idx(priority p) { return static_cast<int>(p); }
  /// Moves standby tasks of `p` up while its queue has room.
  void refill(int p);

  queue_limits limits_;
  std::vector<int> cycle_; ///< which queue each pick of a weight cycle prefers
  std::array<std::deque<task_id>, priority_count> queues_;
  std::array<std::deque<task_id>, priority_count> standby_; ///< one FIFO per priority
  std::size_t size_ = 0;   ///< in the priority queues
  std::size_t turn_ = 0;
};

} // namespace drover
