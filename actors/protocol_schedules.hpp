// Messages of the scheduler actor (actors/scheduler.hpp), apart from
// actors/protocol.hpp so only the files that talk schedules pull them in.
// Requests (each answered with a schedule_record, or an error):
//   (sch_add, schedule_input, bool upsert)   create, or upsert by name
//   (sch_list) -> std::vector<schedule_record>
//   (sch_get, uint64_t id)
//   (sch_start, id)  (sch_stop, id)  (sch_del, id)
//   (sch_change, id, std::string every, std::string cron)
// Internal: (sch_fire, id, uint64_t generation) from the scheduler's timers.
#pragma once

#include <caf/all.hpp>

#include "core/schedule_book.hpp"

namespace drover {

using sch_add_atom = caf::atom_constant<caf::atom("sch_add")>;
using sch_list_atom = caf::atom_constant<caf::atom("sch_list")>;
using sch_get_atom = caf::atom_constant<caf::atom("sch_get")>;
using sch_start_atom = caf::atom_constant<caf::atom("sch_start")>;
using sch_stop_atom = caf::atom_constant<caf::atom("sch_stop")>;
using sch_del_atom = caf::atom_constant<caf::atom("sch_del")>;
using sch_change_atom = caf::atom_constant<caf::atom("sch_change")>;
using sch_fire_atom = caf::atom_constant<caf::atom("sch_fire")>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_run& x) {
  return f(caf::meta::type_name("schedule_run"), x.fire_ms, x.job, x.error);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_record& x) {
  return f(caf::meta::type_name("schedule_record"), x.id, x.name, x.job_template, x.every,
           x.cron, x.catch_up, x.running, x.anchor_ms, x.last_fire_ms, x.next_ms, x.runs,
           x.recent);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_input& x) {
  return f(caf::meta::type_name("schedule_input"), x.name, x.job_template, x.every, x.cron,
           x.catch_up, x.running);
}

inline void add_schedule_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<schedule_run>("drover::schedule_run")
    .add_message_type<schedule_record>("drover::schedule_record")
    .add_message_type<schedule_input>("drover::schedule_input");
}

} // namespace drover
