// Messages of remote HTTP workers (actors/worker_hub.hpp), kept out of
// actors/protocol.hpp. They never cross the wire: the REST server, the hub,
// the workers' stand-ins and the manager live in one process.
//   REST -> hub:     (wpoll, worker_poll, poll_reply) answered through the reply
//                    (wbeat, id, lease) -> worker_beat | stale_version
//                    (wdone, std::vector<worker_result>) -> std::vector<uint8_t> verdicts
//                    (get, wview) -> std::vector<worker_view>
//   hub -> self:     (wexpire, worker, poll id) a parked poll's wait ran out; (tick)
//   stand-in -> hub: (assign, worker, batch) (abort, worker, refs) what the manager
//                    sent it; (joined, worker, manager) it (re)joined
//   hub -> stand-in: (register, info) join again with this info; (deregister) leave
//   hub -> manager:  (ack, worker, reports) -> std::vector<uint8_t>, one
//                    worker_verdict per report, once the changes are stored
#pragma once

#include <functional>
#include <memory>

#include <caf/all.hpp>

#include "core/worker_types.hpp"

namespace drover {

using wpoll_atom = caf::atom_constant<caf::atom("wpoll")>;
using wbeat_atom = caf::atom_constant<caf::atom("wbeat")>;
using wdone_atom = caf::atom_constant<caf::atom("wdone")>;
using wview_atom = caf::atom_constant<caf::atom("wview")>;
using wexpire_atom = caf::atom_constant<caf::atom("wexpire")>;
using worker_atom = caf::atom_constant<caf::atom("worker")>;

/// Where a poll's answer goes: called once, on the hub; false if the
/// client can no longer take it (it left, or the wait already ran out).
struct poll_reply {
  std::shared_ptr<std::function<bool(const std::vector<worker_task>&)>> send;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, poll_reply&) {
  return f(caf::meta::type_name("poll_reply"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_poll& x) {
  return f(caf::meta::type_name("worker_poll"), x.worker, x.types, x.tags, x.max, x.wait_ms,
           x.capacity, x.lease_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_task& x) {
  return f(caf::meta::type_name("worker_task"), x.id, x.lease, x.attempt, x.type, x.payload,
           x.lease_expires_ms, x.heartbeat_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_beat& x) {
  return f(caf::meta::type_name("worker_beat"), x.lease_expires_ms, x.cancel_requested);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_result& x) {
  return f(caf::meta::type_name("worker_result"), x.id, x.lease, x.ok, x.result, x.retryable);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_view& x) {
  return f(caf::meta::type_name("worker_view"), x.worker, x.types, x.tags, x.capacity,
           x.lease_ms, x.held, x.queued, x.parked, x.last_poll_ms, x.last_heartbeat_ms, x.lost);
}

} // namespace drover
