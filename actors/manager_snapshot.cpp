// The manager's one consistent look at itself (core/manager_snapshot.hpp):
// built from its parts in one pass, read-only.
#include "actors/manager_state.hpp"

namespace drover {

job_view job_view_of(const manager_state& st, const job_record& j) {
  job_view v;
  v.id = j.meta.id;
  v.name = j.meta.name;
  v.origin = j.meta.origin;
  v.group = j.meta.group;
  v.producer = j.meta.producer;
  v.pushed_ms = j.meta.pushed_ms;
  v.total = j.meta.total;
  v.sealed = j.meta.sealed;
  v.cancelled = j.meta.cancelled;
  v.done = j.done;
  v.by_state = j.by_state;
  auto id = j.meta.id;
  v.lists = static_cast<uint32_t>(st.table.list_seqs(id).size());
  v.merge_task = j.merge_task;
  v.merge_held = st.held.merge_held(id);
  v.created_ms = j.meta.created_ms;
  v.started_ms = j.started_ms;
  v.finished_ms = j.finished_ms;
  return v;
}

namespace {

consumer_view view_of(const manager_state& st, const consumer_member& c) {
  consumer_view v;
  v.node = c.info.node;
  v.capacity = c.info.capacity;
  v.tags = c.info.tags;
  v.types = c.info.types;
  v.inflight = c.inflight;
  v.lost = c.grace.lost();
  v.mode = c.mode;
  v.leaving = c.leaving;
  v.recovered = c.recovered;
  v.in_doubt = c.in_doubt.size();
  auto link = st.links.find(c.info.node);
  v.role = c.info.role;
  v.incarnation = link != st.links.end() && link->second.handle ? link->second.handle.id() : 0;
  return v;
}

queue_view queues_of(const manager_state& st) {
  queue_view q;
  const auto& queued = st.queues.queued();
  const auto& lim = queued.limits();
  for (int p = 0; p < priority_count; ++p) {
    auto prio = static_cast<priority>(p);
    q.depth[p] = queued.size(prio);
    q.standby[p] = queued.standby_size(prio);
    q.capacity[p] = lim.capacity[p];
    q.reserved[p] = st.admissions.reserved()[p];
    q.rejected[p] = st.admissions.rejected()[p];
  }
  q.pending = queued.size();
  q.standby_total = queued.standby_size();
  q.standby_capacity = lim.standby;
  q.rejected_lists = st.admissions.rejected_lists();
  q.waiting = st.queues.parked().size();
  q.retry_waiting = st.queues.retry_waiting();
  return q;
}

} // namespace

manager_stats stats_of(const manager_state& st) {
  auto stats = st.stats;
  stats.pending = st.queues.size();
  stats.producers = st.producers.size();
  return stats;
}

manager_snapshot snapshot_of(const manager_state& st, bool with_tasks) {
  manager_snapshot s;
  s.stats = stats_of(st);
  s.open_tasks = st.table.size();
  s.next_task = st.table.next_task();
  s.lists = st.table.list_count();
  for (auto& [id, j] : st.table.jobs()) {
    for (int k = 0; k < task_state_count; ++k)
      s.tasks_by_state[k] += j.by_state[k];
    s.jobs.emplace(id, job_view_of(st, j));
  }
  for (auto& [node, c] : st.consumers.members())
    s.consumers.emplace(node, view_of(st, c));
  for (auto& [node, p] : st.producers.members())
    s.producers.emplace(node, producer_view{node, p.info.group, p.grace.lost(),
                                            st.producers.is_active(node), p.joined});
  s.active_producer = st.producers.active();
  s.queues = queues_of(st);
  s.merges_waiting = st.held.merges();
  s.dedupe_followers = st.held.followers();
  s.holding = st.holding;
  const auto& rules = st.chooser.rules();
  s.rules_version = rules.version;
  s.rules_hash = rules.hash;
  s.rules_source = rules.source;
  s.status_reports = st.nodes.reports();
  s.commands = st.nodes.command_counts();
  s.policy_sleeps = st.policy_sleeps;
  s.policy_wakes = st.policy_wakes;
  if (with_tasks) {
    s.tasks.reserve(st.table.size());
    st.table.for_each([&](const task& t) {
      s.tasks.push_back(task_view{t.id, t.job, t.state, t.version, t.lease_version, t.attempt,
                                  std::string{t.consumer}});
    });
  }
  return s;
}

} // namespace drover
