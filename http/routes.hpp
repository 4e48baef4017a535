// Internal to http/: the endpoint handlers of DESIGN.md §8 (server.cpp adds
// them), each turning a request into one backend call and the answer into JSON.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "http/backend.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace drover {

/// Registers every endpoint on `routes`.
/// REQUIRES: `backend` and `opts` outlive the server that runs `routes`.
void add_routes(router& routes, http_backend& backend, const http_server_options& opts);

/// Answers `body` as JSON with `status`.
void reply_json(http_response& res, int status, const nlohmann::json& body);

/// Answers a backend error: its status (http/status.cpp), its JSON body, and
/// Retry-After on 429 and 503.
void reply_failure(http_response& res, const error& e);

/// Answers the error if the backend call failed; false if it succeeded.
template <class T>
bool reply_failed(http_response& res, const result<T>& r) {
  if (r)
    return false;
  reply_failure(res, r.err());
  return true;
}

/// True if the request's body may be read as JSON: Content-Type
/// application/json (any parameters) or `+json`, or none at all (a client
/// that names no type is taken at its word that it sends JSON). Otherwise
/// answers 415 naming the type to send, and returns false.
bool json_typed(const http_request& req, http_response& res);

/// Sets a JSON error body {"error": name, "detail": detail} and `status`.
void reply_error(http_response& res, int status, const std::string& name,
                 const std::string& detail);

// -- schedules (issue #10 item 6) ----------------------------------------------

/// Registers `handler` for `method` ("GET", "POST", "PUT", "PATCH",
/// "DELETE") and `path`, as every route of add_routes().
using route_adder = std::function<void(const char* method, const char* path,
                                       http_handler handler)>;

/// The /v1/schedules endpoints (http/routes_schedules.cpp).
void add_schedule_routes(const route_adder& add, http_backend& backend);

} // namespace drover
