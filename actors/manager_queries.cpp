// What the manager answers to the HTTP backend (app/http_backend.cpp) and
// other readers: jobs, one task with its history, members, metrics, health.
// Read-only except that a task lookup first sends the store what changed.
#include <algorithm>

#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
#include "http/snapshot_answers.hpp"

namespace drover {

namespace {

/// Where the job's merge step is: WAITING for its parts, its task's state,
/// or ENDED once it left memory.
std::string merge_state_of(const manager_state& st, const job_view& v) {
  if (v.merge_task == 0)
    return {};
  if (v.merge_held)
    return "WAITING";
  auto* t = st.table.get(v.merge_task);
  return t == nullptr ? "ENDED" : to_string(t->state);
}

/// The job's snapshot figures plus what only the manager's parts know.
job_info info_of(const manager_state& st, const job_record& j, bool with_merge) {
  auto view = job_view_of(st, j);
  auto out = job_info_of(view);
  out.unassignable = unassignable_of(st, j);
  out.waiting = waiting_of(st, j);
  out.push = push_state_of(st, j);
  out.recent_rate = recent_rate_of(st, j.meta.id);
  if (with_merge)
    out.merge_state = merge_state_of(st, view);
  else
    out.merge_task = 0; // the list of jobs leaves the merge step out
  return out;
}

/// Tasks no live member can take, by reason, over all jobs.
std::vector<waiting_group> all_waiting(const manager_state& st) {
  auto out = st.queues.parked().groups();
  if (st.consumers.empty() && !st.queues.empty())
    out.push_back(waiting_group{"no_consumer", "", "", "no consumer is registered",
                                st.queues.size()});
  return out;
}

} // namespace

uint64_t unassignable_of(const manager_state& st, const job_record& j) {
  auto parked = st.queues.parked().count_of(j.meta.id);
  auto pending = j.by_state[static_cast<int>(task_state::pending)];
  return st.consumers.empty() ? std::max(parked, pending) : parked;
}

std::vector<waiting_group> waiting_of(const manager_state& st, const job_record& j) {
  auto out = st.queues.parked().groups_of(j.meta.id);
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
  return info_of(st, j, true);
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
    page.jobs.push_back(info_of(st, *st.table.job(ids[i]), false));
  return page;
}

std::vector<node_info> query_members(manager_ptr self) {
  auto& st = self->state;
  std::vector<node_info> out;
  auto info_of = [](const member_info& m, bool lost, uint64_t inflight, bool active) {
    node_info n;
    n.member = m;
    n.state = lost ? node_state::lost : node_state::up;
    n.inflight = inflight;
    n.active = active;
    return n;
  };
  for (auto& [node, c] : st.consumers.members())
    out.push_back(info_of(c.info, c.grace.lost(), c.inflight, false));
  for (auto& [node, p] : st.producers.members())
    out.push_back(info_of(p.info, p.grace.lost(), 0, st.producers.is_active(node)));
  return out;
}

metrics_snapshot query_metrics(manager_ptr self) {
  auto& st = self->state;
  auto m = metrics_of(snapshot_of(st));
  m.ack_latency = st.ack_latency;
  m.waiting = all_waiting(st);
  return m;
}

} // namespace drover
