// inspect() for the manager's snapshot (core/manager_snapshot.hpp), kept out
// of actors/protocol.hpp so that file stays small. The snapshot stays inside
// the manager's process (only manager_stats is registered to cross nodes),
// but CAF still wants inspect() for every message type.
//   any -> manager: (snapshot) -> manager_snapshot, without tasks
//                   (snapshot, with_tasks) -> manager_snapshot
#pragma once

#include <caf/all.hpp>

#include "core/manager_snapshot.hpp"

namespace drover {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, manager_stats& x) {
  return f(caf::meta::type_name("manager_stats"), x.tasks, x.pending,
           x.assigned, x.acks, x.stale, x.retries, x.reassigned, x.timeouts,
           x.cancelled, x.alerts, x.consumers, x.producers);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_view& x) {
  return f(caf::meta::type_name("job_view"), x.id, x.name, x.origin, x.group, x.producer,
           x.pushed_ms, x.total, x.sealed, x.cancelled, x.done, x.by_state, x.lists, x.merge_task,
           x.merge_held, x.created_ms, x.started_ms, x.finished_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consumer_view& x) {
  return f(caf::meta::type_name("consumer_view"), x.node, x.capacity, x.tags, x.types,
           x.inflight, x.lost, x.mode, x.leaving, x.recovered, x.in_doubt, x.incarnation,
           x.role);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, producer_view& x) {
  return f(caf::meta::type_name("producer_view"), x.node, x.group, x.lost, x.active, x.joined);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_view& x) {
  return f(caf::meta::type_name("queue_view"), x.depth, x.standby, x.capacity, x.reserved,
           x.rejected, x.pending, x.standby_total, x.standby_capacity, x.rejected_lists,
           x.waiting, x.retry_waiting);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_view& x) {
  return f(caf::meta::type_name("task_view"), x.id, x.job, x.state, x.version,
           x.lease_version, x.attempt, x.consumer);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, manager_snapshot& x) {
  return f(caf::meta::type_name("manager_snapshot"), x.at_ms, x.stats, x.tasks_by_state,
           x.open_tasks, x.next_task, x.lists, x.jobs, x.consumers, x.producers,
           x.active_producer, x.queues, x.merges_waiting, x.dedupe_followers, x.holding,
           x.rules_version, x.rules_hash, x.rules_source, x.status_reports, x.commands,
           x.policy_sleeps, x.policy_wakes, x.tasks);
}

} // namespace drover
