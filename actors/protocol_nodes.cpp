#include "actors/protocol_nodes.hpp"

namespace drover {

void add_node_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<node_command>("drover::node_command")
    .add_message_type<command_update>("drover::command_update")
    .add_message_type<node_status>("drover::node_status"); // and their std::vector<>
}

} // namespace drover
