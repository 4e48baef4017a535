// Internal to http/: the endpoint handlers of DESIGN.md §8 (server.cpp adds
// them), each turning a request into one backend call and the answer into JSON.
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/backend.hpp"
#include "http/httplib_abi.hpp"
#include "http/server.hpp"

namespace drover {

/// One registered endpoint, remembered so a wrong method gets 405 + Allow.
struct route {
  std::string method;
  std::regex pattern;
};

/// Registers every endpoint on `svr`; returns what it registered.
/// REQUIRES: `backend` and `opts` outlive `svr`.
std::vector<route> add_routes(httplib::Server& svr, http_backend& backend,
                              const http_server_options& opts);

/// Answers `body` as JSON with `status`.
void reply_json(httplib::Response& res, int status, const nlohmann::json& body);

/// Answers a backend error: its status (http/status.cpp), its JSON body, and
/// Retry-After on 429 and 503.
void reply_failure(httplib::Response& res, const error& e);

/// Answers the error if the backend call failed; false if it succeeded.
template <class T>
bool reply_failed(httplib::Response& res, const result<T>& r) {
  if (r)
    return false;
  reply_failure(res, r.err());
  return true;
}

/// True if the request's body may be read as JSON: Content-Type
/// application/json (any parameters) or `+json`, or none at all (a client
/// that names no type is taken at its word that it sends JSON). Otherwise
/// answers 415 naming the type to send, and returns false.
bool json_typed(const httplib::Request& req, httplib::Response& res);

/// Sets a JSON error body {"error": name, "detail": detail} and `status`.
void reply_error(httplib::Response& res, int status, const std::string& name,
                 const std::string& detail);

// -- schedules (issue #10 item 6) ----------------------------------------------

/// Registers `handler` for `method` ("GET", "POST", "PUT", "PATCH",
/// "DELETE") and `path` behind the same token check and exception guard as
/// every route of add_routes().
using route_adder = std::function<void(const char* method, const char* path,
                                       httplib::Server::Handler handler)>;

/// The /v1/schedules endpoints (http/routes_schedules.cpp).
void add_schedule_routes(const route_adder& add, http_backend& backend);

} // namespace drover
