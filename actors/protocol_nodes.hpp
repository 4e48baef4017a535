// Messages of node status reports, node commands and the sleep/wake policy,
// kept out of actors/protocol.hpp so that file stays small.
// Registered by add_node_types(), which add_drover_types() calls.
//   node -> manager:  (nstatus, node_status) -> std::vector<node_command>
//   REST -> manager:  (ncommand, node, kind) -> node_command
//                     (ncommand, get, node) -> std::vector<node_command>
//                     (nstatus, get, node, since_ms) -> std::vector<node_status>
//   manager -> self:  (npolicy) every policy interval (sleep/wake)
#pragma once

#include <caf/all.hpp>

#include "core/node_status.hpp"

namespace drover {

using nstatus_atom = caf::atom_constant<caf::atom("nstatus")>;
using ncommand_atom = caf::atom_constant<caf::atom("ncommand")>;
using npolicy_atom = caf::atom_constant<caf::atom("npolicy")>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_command& x) {
  return f(caf::meta::type_name("node_command"), x.id, x.node, x.kind, x.state, x.reason,
           x.by, x.created_ms, x.sent_ms, x.finished_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_update& x) {
  return f(caf::meta::type_name("command_update"), x.id, x.state, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_status& x) {
  return f(caf::meta::type_name("node_status"), x.node, x.role, x.at_ms, x.cpu_pct,
           x.mem_pct, x.disk_pct, x.net_in_bps, x.net_out_bps, x.task_backlog,
           x.user_backlog, x.cache_entries, x.mode, x.fresh, x.commands);
}

/// Registers the types above with `cfg` (called by add_drover_types).
void add_node_types(caf::actor_system_config& cfg);

} // namespace drover
