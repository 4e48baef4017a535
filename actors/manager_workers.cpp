// Completions from remote HTTP workers (actors/worker_hub.hpp): unlike a
// consumer, which trusts the version check to drop a stale ACK silently, an
// HTTP worker must hear per completion whether it counted (200) or named an
// old lease (409). The reports go through the same on_reports as every
// consumer's ACK, under the member that holds each lease.
#include <unordered_set>

#include "actors/manager_state.hpp"
#include "actors/protocol_links.hpp"
#include "core/task_state.hpp"

namespace drover {

namespace {

/// A completion that arrives during the hold after a takeover, for a lease
/// the previous leader handed out but never stored (the task is PENDING
/// here, below that lease): taken back on, as a consumer's lease report
/// would (adopt_lease), so the result counts instead of the task running a
/// second time. An HTTP worker reports no leases when it joins: it sends
/// the results of what it held first (workers/python, workers/node).
void adopt_unstored(manager_ptr self, const task_report& r) {
  auto& st = self->state;
  if (!st.holding || r.lease >= st.lease_floor)
    return;
  auto edit = st.table.edit(r.id);
  auto now = now_ms(self);
  if (!edit || !adopt_lease(*edit, "", r.lease, now))
    return;
  edit.commit();
  st.changes.push_back(change_of(*edit, event_kind::assigned,
                                 "kept after a manager restart: an HTTP worker's result "
                                 "came back", now));
}

} // namespace

caf::response_promise on_worker_reports(manager_ptr self, std::vector<task_report>& reports) {
  auto& st = self->state;
  std::vector<uint8_t> verdicts(reports.size(), static_cast<uint8_t>(worker_verdict::stale));
  std::map<std::string, std::vector<task_report>> by_holder;
  std::vector<task_report> stale;
  std::unordered_set<task_id> applied; // a second report of one lease in a batch is stale
  for (size_t i = 0; i < reports.size(); ++i) {
    auto& r = reports[i];
    const task* t = st.table.get(r.id);
    if (t != nullptr && !holds_lease(*t, r.lease)) {
      adopt_unstored(self, r);
      t = st.table.get(r.id);
    }
    if (!t || !holds_lease(*t, r.lease) || !applied.insert(r.id).second) {
      stale.push_back(std::move(r)); // counted by on_reports, noted in the task's history
      continue;
    }
    verdicts[i] = static_cast<uint8_t>(worker_verdict::applied);
    by_holder[std::string{t->consumer.view()}].push_back(std::move(r));
  }
  for (auto& [node, group] : by_holder)
    on_reports(self, node, group);
  if (!stale.empty()) // after the applied ones: a duplicate must not win over its original
    on_reports(self, "", stale);
  flush_changes(self);
  auto rp = self->make_response_promise();
  self->request(st.opts.store, caf::infinite, sync_atom::value)
    .then([rp, verdicts]() mutable { rp.deliver(std::move(verdicts)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace drover
