// Internal to http/: the remote-worker endpoints (routes_workers.cpp),
// registered by add_routes() through its own adders (token check,
// exception guard, 405 table).
#pragma once

#include <functional>

#include "http/message.hpp"
#include "http/worker_backend.hpp"

namespace drover {

using add_worker_route = std::function<void(const char* method, const char* path, http_handler h)>;

/// `workers` null: the endpoints answer 404 saying the feature is off here.
void add_worker_routes(const add_worker_route& add, worker_backend* workers);

} // namespace drover
