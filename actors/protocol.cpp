#include "actors/protocol.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/protocol_schedules.hpp"

namespace drover {

void add_drover_types(caf::actor_system_config& cfg) {
  // Batches of task specs, assignments and reports cross packed
  // (actors/protocol_wire.hpp). Their type names say so: a peer of a build
  // that sends them field by field names them without "packed", so CAF
  // refuses its messages as an unknown type instead of misreading them.
  // member_info too, so such a peer cannot even join (it would be given
  // tasks it cannot read); ".prefetch": it also carries the prefetch, which
  // an older member would not send.
  cfg.add_message_type<member_info>("drover::member_info.packed.prefetch")
    .add_message_type<task_spec>("drover::task_spec.packed")
    .add_message_type<task>("drover::task")
    .add_message_type<job>("drover::job")
    .add_message_type<task_list>("drover::task_list.packed")
    .add_message_type<list_ack>("drover::list_ack")
    .add_message_type<job_resume>("drover::job_resume")
    .add_message_type<assignment>("drover::assignment.packed")
    .add_message_type<task_report>("drover::task_report.packed")
    .add_message_type<lease_ref>("drover::lease_ref")
    .add_message_type<job_progress>("drover::job_progress")
    .add_message_type<rules_info>("drover::rules_info")
    .add_message_type<manager_stats>("drover::manager_stats")
    .add_message_type<task_change>("drover::task_change")
    .add_message_type<task_event>("drover::task_event")
    .add_message_type<recovered_state>("drover::recovered_state");
  add_node_types(cfg); // node status and commands (actors/protocol_nodes.hpp)
  add_schedule_types(cfg); // schedules (actors/protocol_schedules.hpp)
  // Renders as "drover: unknown_task: no task 42" in logs and errors.
  cfg.add_error_category(
    caf::atom("drover"),
    [](uint8_t code, caf::atom_value, const caf::message& ctx) {
      std::string out = "drover: ";
      out += to_string(static_cast<ec>(code));
      if (ctx.match_elements<std::string>()) {
        out += ": ";
        out += ctx.get_as<std::string>(0);
      }
      return out;
    });
}

} // namespace drover
