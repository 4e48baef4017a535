// Messages of multi-user data scheduling: courier (manager side)
// <-> mailbox (consumer nodes) and the REST backend -> courier. Kept apart
// from actors/protocol.hpp so this area rebuilds and merges on its own.
// Register with add_data_types() in every process that runs either actor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "core/data.hpp"

namespace drover {

// -- atoms (reuses get/put/ack/retry/grace/tick from protocol.hpp) -----------
using courier_atom = caf::atom_constant<caf::atom("courier")>;
using hello_atom = caf::atom_constant<caf::atom("hello")>;
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
using recv_atom = caf::atom_constant<caf::atom("recv")>;
using send_atom = caf::atom_constant<caf::atom("send_data")>;
using user_atom = caf::atom_constant<caf::atom("user")>;
using topology_atom = caf::atom_constant<caf::atom("topology")>;
using delivery_atom = caf::atom_constant<caf::atom("delivery")>;

/// The cluster as a consumer node sees it: every live consumer node with
/// its routing id, the version of nodes + bindings, and the users bound to
/// the asking node.
struct topology {
  uint64_t version = 0;
  uint64_t route = 0;                 ///< the asking node's routing id
  std::vector<std::string> nodes;
  std::vector<uint64_t> routes;       ///< routes[i] belongs to nodes[i]
  std::vector<uint64_t> users;        ///< bound to the asking node
};

/// A mailbox's answer to a batch: results[i] is an offer_result
/// (store/user_queue.hpp) for item i.
struct offer_answer {
  std::vector<uint8_t> results;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offer_answer& x) {
  return f(caf::meta::type_name("offer_answer"), x.results);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_item& x) {
  return f(caf::meta::type_name("data_item"), x.seq, x.id, x.sender, x.user, x.data_type,
           x.level, x.body, x.created_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_event& x) {
  return f(caf::meta::type_name("data_event"), x.kind, x.at_ms, x.detail);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_info& x) {
  return f(caf::meta::type_name("user_info"), x.id, x.name, x.node, x.queued, x.stored,
           x.consumed, x.sent, x.created_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delivery_info& x) {
  return f(caf::meta::type_name("delivery_info"), x.item, x.state, x.node, x.attempts,
           x.events);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, send_request& x) {
  return f(caf::meta::type_name("send_request"), x.sender, x.dest, x.level, x.data_type,
           x.body);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, send_receipt& x) {
  return f(caf::meta::type_name("send_receipt"), x.id, x.dest, x.node);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recv_batch& x) {
  return f(caf::meta::type_name("recv_batch"), x.user, x.items);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topology& x) {
  return f(caf::meta::type_name("topology"), x.version, x.route, x.nodes, x.routes, x.users);
}

/// Registers the types above with `cfg` (names are what crosses the wire).
void add_data_types(caf::actor_system_config& cfg);

} // namespace drover
