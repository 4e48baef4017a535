// Messages of what operators look back on (actors/manager_watch.cpp), kept
// out of actors/protocol.hpp so that file stays small. Used inside the
// manager's process only (REST backend, scheduler -> manager), so the types
// need inspect() but no registration.
//   REST -> manager:  (events, after, limit) -> event_page
//                     (series, since_ms) -> series_page
//                     (card) -> manager_card
//                     (members, get, node) -> node_detail
//                     (forget, node) -> std::vector<node_info>
//   scheduler -> manager: (note, type, node, text, count): one event for the feed
//   manager -> self:  (sample) every second
#pragma once

#include <caf/all.hpp>

#include "http/insight_types.hpp"

namespace drover {

using events_atom = caf::atom_constant<caf::atom("events")>;
using series_atom = caf::atom_constant<caf::atom("series")>;
using card_atom = caf::atom_constant<caf::atom("card")>;
using forget_atom = caf::atom_constant<caf::atom("forget")>;
using note_atom = caf::atom_constant<caf::atom("note")>;
using sample_atom = caf::atom_constant<caf::atom("sample")>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_event& x) {
  return f(caf::meta::type_name("cluster_event"), x.seq, x.at_ms, x.type, x.node, x.text,
           x.count);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_page& x) {
  return f(caf::meta::type_name("event_page"), x.events, x.last_seq, x.oldest_seq, x.dropped,
           x.more, x.reset);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, series_point& x) {
  return f(caf::meta::type_name("series_point"), x.at_ms, x.completed_per_s, x.failed_per_s,
           x.depth, x.inflight, x.acks, x.ack_p50_ms, x.ack_p99_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, series_page& x) {
  return f(caf::meta::type_name("series_page"), x.since_ms, x.interval_ms, x.capacity, x.points);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, manager_card& x) {
  return f(caf::meta::type_name("manager_card"), x.node, x.listen, x.store, x.version,
           x.started_ms, x.now_ms, x.rules_version, x.rules_hash, x.rules_source,
           x.rules_since_ms, x.members_up, x.members_lost, x.members_left, x.last_event);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, held_task& x) {
  return f(caf::meta::type_name("held_task"), x.id, x.ext_id, x.job, x.created_ms, x.state,
           x.attempt, x.type);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_detail& x) {
  return f(caf::meta::type_name("node_detail"), x.node, x.roles, x.held, x.held_total);
}

} // namespace drover
