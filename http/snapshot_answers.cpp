// See snapshot_answers.hpp.
#include "http/snapshot_answers.hpp"

namespace drover {

job_info job_info_of(const job_view& v) {
  job_info out;
  out.id = v.id;
  out.name = v.name;
  out.group = v.group;
  out.total = v.total;
  out.sealed = v.sealed;
  out.by_state = v.by_state;
  out.created_ms = v.created_ms;
  out.started_ms = v.started_ms;
  out.finished_ms = v.finished_ms;
  out.merge_task = v.merge_task;
  out.origin = v.origin;
  out.producer = v.producer;
  out.pushed_ms = v.pushed_ms;
  out.cancelled = v.cancelled;
  return out;
}

metrics_snapshot metrics_of(const manager_snapshot& s) {
  metrics_snapshot m;
  m.tasks_by_state = s.tasks_by_state;
  const auto& q = s.queues;
  m.queue_depth = q.depth;
  m.retry_queue = q.retry_waiting;
  m.queue_capacity = q.capacity;
  m.standby_depth = q.standby;
  m.standby_capacity = q.standby_capacity;
  m.rejected = q.rejected;
  m.rejected_lists = q.rejected_lists;
  m.assignments = s.stats.assigned;
  m.acks = s.stats.acks;
  m.stale_rejected = s.stats.stale;
  m.retries = s.stats.retries;
  m.reassignments = s.stats.reassigned;
  m.timeouts = s.stats.timeouts;
  m.cancelled = s.stats.cancelled;
  m.alerts = s.stats.alerts;
  m.members_by_role[static_cast<int>(member_role::producer)] = s.producers.size();
  for (auto& [node, c] : s.consumers) // consumers and HTTP workers, each its own
    ++m.members_by_role[static_cast<int>(c.role)];
  m.members_by_role[static_cast<int>(member_role::manager)] = 1;
  m.dedupe_followers = s.dedupe_followers;
  m.merges_waiting = s.merges_waiting;
  m.commands = s.commands;
  m.status_reports = s.status_reports;
  m.policy_sleeps = s.policy_sleeps;
  m.policy_wakes = s.policy_wakes;
  return m;
}

} // namespace drover
