// Backpressure for new work: the decision and its bookkeeping are
// manager/admission.hpp; this file turns a refusal into the error the
// producer sees (ec::overloaded: it retries the list later, REST answers
// 429) and reports the queues to /metrics.
#include "actors/manager_state.hpp"
#include "core/log.hpp"

namespace drover {

caf::error admit(manager_state& st, const task_list& list, prio_counts& need) {
  need = admission::need_of(list.tasks);
  if (st.admissions.admit(need, st.pending, st.waiting))
    return {};
  auto why = fmt::format("the queues are full ({}): list {} of '{}' ({} tasks) was not "
                         "stored; retry later", st.admissions.fullness(st.pending, st.waiting),
                         list.seq, list.origin, list.tasks.size());
  log_debug("manager: {}", why);
  return caf::error{ec::overloaded, why};
}

void fill_queue_metrics(const manager_state& st, metrics_snapshot& m) {
  const auto& lim = st.pending.limits();
  for (int p = 0; p < priority_count; ++p) {
    m.queue_capacity[p] = lim.capacity[p];
    m.standby_depth[p] = st.pending.standby_size(static_cast<priority>(p));
    m.rejected[p] = st.admissions.rejected()[p];
  }
  m.standby_capacity = lim.standby;
  m.rejected_lists = st.admissions.rejected_lists();
  m.dedupe_followers = st.dedupe.followers();
  m.merges_waiting = st.merges.size();
}

} // namespace drover
