// The merge step of a split job: the job's merge task is
// stored with its parts (so it is durable) but held outside the queues.
// Once the job is sealed and every part SUCCEEDED, the parts' results are
// read back from the store and the merge is queued with the payload
//   {"payload": <the merge's own payload>, "results": [<part results>]}
// (results in part order, i.e. task id order). A part that ends any other
// way cancels the merge, with the reason as its result. After a manager
// restart the held merge is found again (its dedupe_key marks it) and the
// check runs again, so a merge released before the restart is released again.
#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "actors/manager_state.hpp"
#include "core/dedupe.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

void cancel_merge(manager_ptr self, job_id jid, task_id id, const std::string& why) {
  auto& st = self->state;
  st.held.drop_merge(jid);
  auto edit = st.table.edit(id);
  if (!edit || is_terminal(edit->state))
    return;
  auto& t = *edit;
  auto now = now_ms(self);
  cancel(t, now);
  t.result = why;
  edit.commit();
  ++st.stats.cancelled;
  st.changes.push_back(change_of(t, event_kind::cancelled, why, now));
  st.table.retire(edit);
  log_info("manager: merge task {} of job {} cancelled: {}", id, jid, why);
}

std::vector<task_id> parts_of(const manager_state& st, job_id jid, task_id merge) {
  auto ids = st.table.list_task_ids(jid);
  ids.erase(std::remove(ids.begin(), ids.end(), merge), ids.end());
  return ids;
}

void release(manager_ptr self, job_id jid, task_id id,
             const std::vector<std::string>& results) {
  auto& st = self->state;
  st.held.drop_merge(jid);
  auto edit = st.table.edit(id);
  if (!edit || edit->state != task_state::pending)
    return; // cancelled meanwhile
  auto& t = *edit;
  t.spec.payload = nlohmann::json{{"payload", t.spec.payload}, {"results", results}}.dump();
  st.queues.push(id, t.spec.prio);
  log_info("manager: merge task {} of job {} queued with {} part results", id, jid,
           results.size());
  dispatch(self);
  flush_changes(self);
}

/// Reads every part's result from the store (after the latest changes
/// reached it: one mailbox, in order), then releases the merge.
void fetch_results(manager_ptr self, job_id jid, task_id id) {
  auto& st = self->state;
  auto parts = parts_of(st, jid, id);
  flush_changes(self);
  struct gather {
    std::vector<std::string> results;
    size_t missing = 0;
    bool failed = false;
  };
  auto g = std::make_shared<gather>();
  g->results.resize(parts.size());
  g->missing = parts.size();
  if (parts.empty())
    return release(self, jid, id, {});
  for (size_t i = 0; i < parts.size(); ++i)
    self->request(st.opts.store, caf::infinite, get_atom::value, parts[i])
      .then(
        [=](task& part, std::vector<task_event>&) {
          g->results[i] = std::move(part.result);
          if (--g->missing == 0 && !g->failed)
            release(self, jid, id, g->results);
        },
        [=](caf::error& err) {
          if (g->failed)
            return;
          g->failed = true;
          cancel_merge(self, jid, id, "cannot read the result of part task "
                                        + std::to_string(parts[i]) + ": "
                                        + self->system().render(err));
          flush_changes(self);
        });
}

} // namespace

void merge_check(manager_ptr self, job_record& j) {
  auto& st = self->state;
  auto id = st.held.merge_to_check(j.meta.id);
  if (id == 0)
    return;
  if (!st.table.contains(id)) { // cancelled with its job
    st.held.drop_merge(j.meta.id);
    return;
  }
  uint64_t bad = 0;
  for (auto s : {task_state::failed, task_state::cancelled, task_state::timed_out})
    bad += j.by_state[static_cast<int>(s)];
  if (bad > 0)
    return cancel_merge(self, j.meta.id, id,
                        fmt::format("{} part(s) of job {} did not succeed; the merge needs "
                                    "all of them", bad, j.meta.id));
  auto ok = j.by_state[static_cast<int>(task_state::succeeded)];
  if (!j.meta.sealed || ok + 1 < j.meta.total)
    return;
  st.held.reading_parts(j.meta.id);
  fetch_results(self, j.meta.id, id);
}

} // namespace drover
