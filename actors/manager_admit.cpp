// Backpressure for new work: the decision and its bookkeeping are
// manager/admission.hpp; this file turns a refusal into the error the
// producer sees (ec::overloaded: it retries the list later, REST answers
// 429). What /metrics shows of the queues comes from the snapshot.
#include "actors/manager_state.hpp"
#include "core/log.hpp"

namespace drover {

caf::error admit(manager_state& st, const task_list& list, prio_counts& need) {
  need = admission::need_of(list.tasks);
  if (st.admissions.admit(need, st.queues.queued(), st.queues.parked()))
    return {};
  auto why = fmt::format("the queues are full ({}): list {} of '{}' ({} tasks) was not "
                         "stored; retry later", st.admissions.fullness(st.queues.queued(), st.queues.parked()),
                         list.seq, list.origin, list.tasks.size());
  log_debug("manager: {}", why);
  return caf::error{ec::overloaded, why};
}

} // namespace drover
