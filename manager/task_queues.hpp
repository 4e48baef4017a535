// Where PENDING tasks wait for a consumer: the bounded priority queues
// (with standby, core/queue_bounds.hpp), the tasks parked because no live
// consumer can take them (rules/waiting.hpp), and the count of retries
// waiting out their backoff. This part owns that a parked task is out of
// the queues until membership or the rules change (then every parked task
// is offered again, in the order parked), and that the retry count never
// goes below zero. Pure: the actor arms the retry timers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/queue_bounds.hpp"
#include "core/task.hpp"
#include "rules/waiting.hpp"

namespace drover {

class task_queues {
public:
  void configure(const queue_limits& limits) { queued_.configure(limits); }

  /// `id` is ready to run, behind the others of its priority.
  void push(task_id id, priority p) { queued_.push(id, p); }
  /// `id` was taken back or passed over: first in line of its priority.
  void push_front(task_id id, priority p) { queued_.push_front(id, p); }
  /// The next task to offer (weighted over the priorities); none if empty.
  std::optional<task_id> pop();

  /// No live consumer can take `id` now: it waits out of the queues, counted
  /// under `why` (see waiting_tasks::park).
  void park(task_id id, job_id job, priority prio, unassignable_kind why, std::string_view type,
            const std::vector<std::string>& tags, std::string_view rule_name) {
    parked_.park(id, job, prio, why, type, tags, rule_name);
  }
  /// Membership or the rules changed: every parked task for which
  /// `prio_of(id)` gives a priority (it is still PENDING) is queued again.
  template <class PrioOf>
  void unpark_all(PrioOf prio_of) {
    for (auto id : parked_.take_all())
      if (std::optional<priority> p = prio_of(id))
        queued_.push(id, *p);
  }
  /// Parked task `id` left for good (cancelled).
  void forget(task_id id) { parked_.forget(id); }
  /// Every parked task of `job` left for good.
  void forget_job(job_id job) { parked_.forget_job(job); }

  /// A failed attempt's retry was scheduled; it fires once.
  void retry_scheduled() { ++retry_waiting_; }
  /// A scheduled retry fired (whether or not its task still waits).
  void retry_fired() {
    if (retry_waiting_ > 0)
      --retry_waiting_;
  }

  /// Nothing queued (parked tasks and retries not counted).
  bool empty() const { return queued_.empty(); }
  /// Queued over all priorities, standby included.
  std::size_t size() const { return queued_.size(); }
  const bounded_queues& queued() const { return queued_; }
  const waiting_tasks& parked() const { return parked_; }
  uint64_t retry_waiting() const { return retry_waiting_; }

private:
  bounded_queues queued_;
  waiting_tasks parked_;
  uint64_t retry_waiting_ = 0;
};

} // namespace drover
