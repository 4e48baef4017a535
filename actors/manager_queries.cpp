// What the manager answers to the HTTP backend (app/http_backend.cpp) and
// other readers: jobs, one task with its history, members, metrics, health.
// Read-only except that a task lookup first sends the store what changed.
#include <algorithm>

#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"

namespace drover {

namespace {

/// Where the job's merge step is: WAITING for its parts, its task's state,
/// or ENDED once it left memory.
std::string merge_state_of(const manager_state& st, const job_record& j) {
  if (j.merge_task == 0)
    return {};
  if (st.merges.count(j.meta.id) != 0)
    return "WAITING";
  auto* t = st.table.get(j.merge_task);
  return t == nullptr ? "ENDED" : to_string(t->state);
}

job_info info_of(const manager_state& st, const job_record& j) {
  job_info out;
  out.id = j.meta.id;
  out.group = j.meta.group;
  out.started_ms = j.started_ms;
  fill_job_figures(st, j, out);
  out.waiting = waiting_of(st, j);
  out.origin = j.meta.origin;
  out.producer = j.meta.producer;
  out.pushed_ms = j.meta.pushed_ms;
  out.cancelled = j.meta.cancelled;
  out.push = push_state_of(st, j);
  out.recent_rate = recent_rate_of(st, j.meta.id);
  return out;
}

} // namespace

uint64_t unassignable_of(const manager_state& st, const job_record& j) {
  auto parked = st.waiting.count_of(j.meta.id);
  auto pending = j.by_state[static_cast<int>(task_state::pending)];
  return st.consumers.empty() ? std::max(parked, pending) : parked;
}

std::vector<waiting_group> waiting_of(const manager_state& st, const job_record& j) {
  auto out = st.waiting.groups_of(j.meta.id);
  if (!st.consumers.empty())
    return out;
  uint64_t parked = 0;
  for (const auto& g : out)
    parked += g.tasks;
  auto pending = j.by_state[static_cast<int>(task_state::pending)];
  if (pending > parked)
    out.push_back(waiting_group{"no_consumer", "", "", "no consumer is registered",
                                pending - parked});
  return out;
}

job_info describe_job(const manager_state& st, const job_record& j) {
  auto out = info_of(st, j);
  out.merge_task = j.merge_task;
  out.merge_state = merge_state_of(st, j);
  return out;
}

caf::result<job_info> query_job(manager_ptr self, job_id id) {
  auto* j = self->state.table.job(id);
  if (j == nullptr)
    return caf::error{ec::unknown_job, "no job " + std::to_string(id)};
  return describe_job(self->state, *j);
}

job_page query_jobs(manager_ptr self, uint64_t offset, uint32_t limit) {
  auto& st = self->state;
  auto ids = st.table.job_ids();
  job_page page;
  page.total = ids.size();
  for (auto i = offset; i < ids.size() && page.jobs.size() < limit; ++i)
    page.jobs.push_back(info_of(st, *st.table.job(ids[i])));
  return page;
}

std::vector<node_info> query_members(manager_ptr self) {
  auto& st = self->state;
  std::vector<node_info> out;
  for (auto& [node, c] : st.consumers.members())
    out.push_back(node_info{c.info, c.grace.lost() ? node_state::lost : node_state::up, c.inflight, 0});
  for (auto& [node, p] : st.producers.members())
    out.push_back(node_info{p.info, p.grace.lost() ? node_state::lost : node_state::up, 0, 0,
                            st.producers.is_active(node)});
  return out;
}

metrics_snapshot query_metrics(manager_ptr self) {
  auto& st = self->state;
  metrics_snapshot m;
  for (auto& [id, j] : st.table.jobs())
    for (int s = 0; s < task_state_count; ++s)
      m.tasks_by_state[s] += j.by_state[s];
  for (int p = 0; p < priority_count; ++p)
    m.queue_depth[p] = st.pending.size(static_cast<priority>(p));
  m.retry_queue = st.retry_waiting;
  m.assignments = st.stats.assigned;
  m.acks = st.stats.acks;
  m.stale_rejected = st.stats.stale;
  m.retries = st.stats.retries;
  m.reassignments = st.stats.reassigned;
  m.timeouts = st.stats.timeouts;
  m.cancelled = st.stats.cancelled;
  m.alerts = st.stats.alerts;
  m.ack_latency = st.ack_latency;
  m.members_by_role[static_cast<int>(member_role::producer)] = st.producers.size();
  for (auto& [node, c] : st.consumers.members()) // consumers and HTTP workers, each its own
    ++m.members_by_role[static_cast<int>(c.info.role)];
  m.members_by_role[static_cast<int>(member_role::manager)] = 1;
  fill_queue_metrics(st, m); // bounds, standby, refusals, dedupe, merges
  m.waiting = st.waiting.groups();
  if (st.consumers.empty() && !st.pending.empty())
    m.waiting.push_back(waiting_group{"no_consumer", "", "", "no consumer is registered",
                                      st.pending.size()});
  return m;
}

} // namespace drover
