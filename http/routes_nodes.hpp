// Internal to http/: the node status and command endpoints (routes_nodes.cpp),
// registered by add_routes() through its own get/post adders (token check,
// exception guard, 405 table).
#pragma once

#include <functional>

#include "http/backend.hpp"
#include "http/message.hpp"
#include "http/server.hpp"

namespace drover {

using add_route = std::function<void(const char* path, http_handler h)>;

void add_node_routes(const add_route& get, const add_route& post, http_backend& b,
                     const http_server_options& opts);

} // namespace drover
