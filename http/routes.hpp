// Internal to http/: the endpoint handlers of DESIGN.md §8, one routes file
// per feature (http/routes_*.cpp), each taking only its own backend
// interface (http/backend_*.hpp); add_routes() registers those the bundle
// has, and the shared helpers below turn answers and errors into JSON.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "http/api_types.hpp"
#include "http/backend.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace drover {

/// Registers every endpoint of each feature in `backends` on `routes`.
/// REQUIRES: the backends and `opts` outlive the server that runs `routes`.
void add_routes(router& routes, const http_backends& backends, const http_server_options& opts);

/// Registers `handler` for `method` ("GET", "POST", "PUT", "PATCH",
/// "DELETE") and `path`, as every route of add_routes().
using route_adder = std::function<void(const char* method, const char* path,
                                       http_handler handler)>;

/// Answers GET /v1/tasks/{id} for an id another feature owns (a delivery,
/// say) and returns true; false (nothing written) lets the task route go on.
using task_id_owner = std::function<bool(const std::string& id, http_response& res)>;

// -- one registration per feature, each in its own routes file ------------------

/// /v1/jobs and /v1/tasks (routes_jobs.cpp); `other` may be empty.
void add_job_routes(const route_adder& add, jobs_backend& b, const http_server_options& opts,
                    task_id_owner other);
/// /v1/rules (routes_rules.cpp).
void add_rules_routes(const route_adder& add, rules_backend& b);
/// /v1/nodes, their status reports and commands (routes_nodes.cpp).
void add_node_routes(const route_adder& add, nodes_backend& b, const http_server_options& opts);
/// /healthz, /metrics, /v1/overview, /v1/alerts (routes_monitor.cpp).
void add_monitor_routes(const route_adder& add, monitor_backend& b);
/// /v1/users, /v1/send_data, /v1/recv_data (routes_data.cpp).
void add_data_routes(const route_adder& add, data_backend& b);
/// GET /v1/tasks/{id} for a delivery id (routes_data.cpp): a task_id_owner.
bool serve_delivery(const std::string& id, http_response& res, data_backend& b);
/// /v1/schedules (routes_schedules.cpp).
void add_schedule_routes(const route_adder& add, schedules_backend& b);
/// /v1/events, /v1/series, /v1/manager, GET|DELETE /v1/nodes/{id} (routes_insight.cpp).
void add_insight_routes(const route_adder& add, insight_backend& b);

// -- shared by every routes file ------------------------------------------------

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

/// Answers 200 with r's value as JSON (its to_json), or r's error.
template <class T>
void reply_value(http_response& res, const result<T>& r) {
  if (!reply_failed(res, r))
    reply_json(res, 200, to_json(r.value()));
}

/// True if the request's body may be read as JSON: Content-Type
/// application/json (any parameters) or `+json`, or none at all (a client
/// that names no type is taken at its word that it sends JSON). Otherwise
/// answers 415 naming the type to send, and returns false.
bool json_typed(const http_request& req, http_response& res);

/// Sets a JSON error body {"error": name, "detail": detail} and `status`.
void reply_error(http_response& res, int status, const std::string& name,
                 const std::string& detail);

} // namespace drover
