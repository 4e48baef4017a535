// Dedupe in the manager (the bookkeeping is core/dedupe):
// a follower stays PENDING in its own job, outside the queues, until its
// leader ends; then it ends the same way with the same result, so each job
// counts its own task. A failed or timed-out leader fails its followers too
// (they asked for the same work); a cancelled leader hands over to its
// oldest follower, which is queued and runs instead.
#include "actors/manager_state.hpp"
#include "core/dedupe.hpp"
#include "core/log.hpp"

namespace drover {

void enqueue_new(manager_state& st, const task& t) {
  switch (st.held.take(t)) {
    case held_tasks::intake::merge: // held until its parts succeeded
      if (auto* j = st.table.job(t.job))
        j->merge_task = t.id;
      return;
    case held_tasks::intake::follower:
      return;
    case held_tasks::intake::run:
      st.queues.push(t.id, t.spec.prio);
      return;
  }
}

void dedupe_settled(manager_ptr self, const task& leader, int64_t now) {
  auto& st = self->state;
  auto followers = st.held.finish(leader.id);
  std::vector<job_id> jobs;
  for (auto id : followers) {
    auto edit = st.table.edit(id);
    if (!edit)
      continue;
    auto& f = *edit;
    finish_like(f, leader, now);
    edit.commit();
    auto kind = f.state == task_state::succeeded ? event_kind::succeeded
                : f.state == task_state::timed_out ? event_kind::timed_out
                                                   : event_kind::failed;
    st.changes.push_back(change_of(f, kind, fmt::format("deduped: result of task {} (same "
                                                        "dedupe_key)", leader.id), now));
    jobs.push_back(f.job);
    st.table.retire(edit);
  }
  for (auto jid : jobs)
    if (auto* j = st.table.job(jid))
      check_done(self, *j);
}

void dedupe_dropped(manager_state& st, const task& t) {
  if (auto next = st.held.drop(t.id); next != 0)
    if (auto* n = st.table.get(next))
      st.queues.push(next, n->spec.prio); // the oldest follower runs instead
}

} // namespace drover
