// JSON of the data-scheduling endpoints (shapes in http/API.md).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "core/data.hpp"

namespace drover {

nlohmann::json to_json(const user_info& u);
nlohmann::json to_json(const std::vector<user_info>& users);
nlohmann::json to_json(const send_receipt& r);
/// {"user", "items": [{id, data_type, sender, level, data, created_ms}], "cursor"}:
/// the cursor is the last item's id, what POST /v1/recv_data/ack takes.
nlohmann::json to_json(const recv_batch& b);
nlohmann::json to_json(const delivery_info& d);

} // namespace drover
