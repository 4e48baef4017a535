// Messages of members that outlive the manager and of job identity, kept
// out of actors/protocol.hpp so that file stays small. No new types cross
// the wire (job_resume, lease_ref are registered by add_drover_types).
//   member -> self:    (reconnect, gen) the link's backoff timer (member_link)
//   consumer -> mgr:   (leases, node, std::vector<lease_ref>) what it holds, after joining
//                      (ack, node, reports) as a request -> () once they are durable
//   manager -> store:  (sync) -> () after the changes sent before it are committed
//   manager -> self:   (hold) the wait after a restart is over: assign again
//   producer -> mgr:   (lookup, origin) -> job_resume (job 0: no such run yet)
//   REST -> manager:   (seal, job, id) -> job_info, the job takes no more lists
#pragma once

#include <caf/all.hpp>

namespace drover {

using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;
using leases_atom = caf::atom_constant<caf::atom("leases")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using seal_atom = caf::atom_constant<caf::atom("seal")>;

} // namespace drover
