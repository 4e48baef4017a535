// The tasks a consumer holds beyond what it runs at once: the manager may
// lease it its prefetch on top of its capacity (core/lease_window.hpp), and
// those wait here, in the order they came, until a slot frees. A waiting
// task has not begun: it starts its run (and its timeout) when it leaves.
// Pure bookkeeping, no actors.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "core/assignment.hpp"

namespace drover {

class waiting_line {
public:
  /// True if a task that arrives now must wait: others wait already (they
  /// go first), or `running` fills `capacity`.
  bool must_wait(size_t running, uint32_t capacity) const {
    return !line_.empty() || running >= capacity;
  }
  void push(assignment a) { line_.push_back(std::move(a)); }
  /// The next task to start while `running` is below `capacity`; none if
  /// every slot is taken or nothing waits.
  std::optional<assignment> next(size_t running, uint32_t capacity);
  /// The manager took `id` back (cancel) before it started: forgotten. False
  /// if it does not wait here.
  bool drop(task_id id, uint64_t lease);
  /// Every waiting task's lease (a new manager keeps those).
  std::vector<lease_ref> leases() const;
  /// Every waiting task, forgotten: handed back (a drain).
  std::vector<lease_ref> take_all();
  size_t size() const { return line_.size(); }
  bool empty() const { return line_.empty(); }

private:
  std::deque<assignment> line_;
};

} // namespace drover
