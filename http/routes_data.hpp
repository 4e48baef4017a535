// Internal to http/: the REST endpoints of multi-user data scheduling (#9),
// registered by add_routes() (http/routes.cpp) through its own guarded
// get/post, so the token check and exception guard are shared.
#pragma once

#include <functional>
#include <string>

#include "http/backend.hpp"
#include "http/message.hpp"

namespace drover {

using data_handler = http_handler;
using data_route_adder = std::function<void(const char* path, data_handler f)>;

/// POST/GET /v1/users[/{id}], POST /v1/send_data/{type}, GET /v1/recv_data,
/// POST /v1/recv_data/ack.
void add_data_routes(const data_route_adder& get, const data_route_adder& post, http_backend& b);

/// GET /v1/tasks/{id} for a delivery id: answers and returns true if `id`
/// names a delivery; false (nothing written) lets the task route go on.
bool serve_delivery(const std::string& id, http_response& res, http_backend& b);

} // namespace drover
