// Backpressure for new work (issue 10 item 1): a task list is admitted only
// if all its tasks fit the bounded queues plus standby, counting lists
// admitted but still on their way to the store. A list that does not fit is
// refused before anything of it is stored (ec::overloaded: the producer
// retries it later, REST answers 429). Work the manager already owns is
// never refused: see core/queue_bounds.hpp.
#include "actors/manager_state.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

std::string fullness(const manager_state& st) {
  std::string out;
  const auto& lim = st.pending.limits();
  for (int p = 0; p < priority_count; ++p) {
    auto prio = static_cast<priority>(p);
    out += fmt::format("{} {}/{}, ", to_string(prio),
                       st.pending.size(prio) + st.reserved[p] + st.waiting.count(prio),
                       lim.capacity[p]);
  }
  return out + fmt::format("standby {}/{}", st.pending.standby_size(), lim.standby);
}

} // namespace

caf::error admit(manager_state& st, const task_list& list,
                 std::array<uint64_t, priority_count>& need) {
  need = {};
  for (const auto& spec : list.tasks)
    ++need[static_cast<int>(spec.prio)];
  // Parked tasks left the queues only for now: they count as queued.
  auto held = st.reserved;
  for (int p = 0; p < priority_count; ++p)
    held[p] += st.waiting.count(static_cast<priority>(p));
  if (!st.pending.admits(need, held)) {
    for (int p = 0; p < priority_count; ++p)
      st.rejected[p] += need[p];
    ++st.rejected_lists;
    auto why = fmt::format("the queues are full ({}): list {} of '{}' ({} tasks) was not "
                           "stored; retry later", fullness(st), list.seq, list.origin,
                           list.tasks.size());
    log_debug("manager: {}", why);
    return caf::error{ec::overloaded, why};
  }
  for (int p = 0; p < priority_count; ++p)
    st.reserved[p] += need[p];
  return {};
}

void unreserve(manager_state& st, const std::array<uint64_t, priority_count>& need) {
  for (int p = 0; p < priority_count; ++p)
    st.reserved[p] -= std::min(st.reserved[p], need[p]);
}

void forget_job(manager_state& st, job_id jid) {
  if (auto j = st.jobs.find(jid); j != st.jobs.end()) {
    st.job_by_origin.erase(j->second.meta.origin);
    st.jobs.erase(j);
  }
  if (st.next_job == jid + 1)
    st.next_job = jid; // nothing else took a number meanwhile: reuse it
}

void fill_queue_metrics(const manager_state& st, metrics_snapshot& m) {
  const auto& lim = st.pending.limits();
  for (int p = 0; p < priority_count; ++p) {
    m.queue_capacity[p] = lim.capacity[p];
    m.standby_depth[p] = st.pending.standby_size(static_cast<priority>(p));
    m.rejected[p] = st.rejected[p];
  }
  m.standby_capacity = lim.standby;
  m.rejected_lists = st.rejected_lists;
  m.dedupe_followers = st.dedupe.followers();
  m.merges_waiting = st.merges.size();
}

} // namespace drover
