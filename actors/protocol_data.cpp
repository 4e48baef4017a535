#include "actors/protocol_data.hpp"

namespace drover {

void add_data_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<data_item>("drover::data_item")
    .add_message_type<data_event>("drover::data_event")
    .add_message_type<user_info>("drover::user_info")
    .add_message_type<delivery_info>("drover::delivery_info")
    .add_message_type<send_request>("drover::send_request")
    .add_message_type<send_receipt>("drover::send_receipt")
    .add_message_type<recv_batch>("drover::recv_batch")
    .add_message_type<topology>("drover::topology")
    .add_message_type<offer_answer>("drover::offer_answer");
}

} // namespace drover
