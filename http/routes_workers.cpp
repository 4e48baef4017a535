// Endpoints of remote workers over HTTP (http/API.md, "Remote workers"):
//   POST /v1/workers/poll            {worker, types, max, wait_ms, ...} -> {tasks}
//   GET  /v1/workers                 what the hub knows of each worker
//   POST /v1/tasks/{id}/heartbeat    {lease} -> {lease_expires_ms, cancel_requested}
//   POST /v1/tasks/{id}/complete     {lease, result}
//   POST /v1/tasks/{id}/fail         {lease, error: {type, message, retryable}}
//   POST /v1/tasks/complete          {results: [...]} -> a status per item
// A completion naming an old lease is 409 and changes nothing. A poll with
// nothing to do is parked (http/deferred_reply.hpp): it holds no thread.
#include "http/routes_workers.hpp"

#include <chrono>
#include <memory>

#include <nlohmann/json.hpp>

#include "http/deferred_reply.hpp"
#include "http/routes.hpp"
#include "http/worker_json.hpp"

namespace drover {

namespace {

using Request = http_request;
using Response = http_response;

/// Extra time the server waits past a poll's wait_ms before answering it
/// empty itself: the hub answers at wait_ms; this only covers a hub that
/// never answers.
constexpr std::chrono::milliseconds park_slack{5000};

http_response json_response(int status, const nlohmann::json& body) {
  http_response res;
  reply_json(res, status, body);
  return res;
}

bool feature_on(worker_backend* w, Response& res) {
  if (w != nullptr)
    return true;
  reply_error(res, 404, "not_found", "remote workers are served by the manager's REST server; "
                                     "this server has no manager");
  return false;
}

bool task_id_of(const Request& req, Response& res, task_id& id) {
  if (auto parsed = parse_task_id(req.matches[1])) {
    id = *parsed;
    return true;
  }
  reply_error(res, 400, "bad_input", "task id '" + req.matches[1]
                                       + "' is neither a number nor NODE_MS_NUMBER");
  return false;
}

void reply_single(Response& res, const worker_result& r, const result<std::vector<worker_verdict>>& v) {
  if (reply_failed(res, v))
    return;
  if (v->empty() || v->front() != worker_verdict::applied)
    return reply_error(res, 409, "stale_version", stale_detail(r.id, r.lease));
  reply_json(res, 200, {{"id", std::to_string(r.id)}, {"lease", r.lease}, {"status", 200}});
}

void on_poll(worker_backend* w, const Request& req, Response& res) {
  if (!feature_on(w, res) || !json_typed(req, res))
    return;
  auto p = parse_worker_poll(req.body);
  if (!p)
    return reply_failure(res, p.err());
  auto wait = std::chrono::milliseconds(p->wait_ms);
  auto parked = res.defer(wait + park_slack, json_response(200, to_json(std::vector<worker_task>{})));
  w->poll(std::move(p.value()), [parked](const std::vector<worker_task>& tasks) {
    return parked->complete(json_response(200, to_json(tasks)));
  });
}

void on_heartbeat(worker_backend* w, const Request& req, Response& res) {
  task_id id = 0;
  if (!feature_on(w, res) || !task_id_of(req, res, id) || !json_typed(req, res))
    return;
  auto lease = parse_worker_lease(req.body);
  if (!lease)
    return reply_failure(res, lease.err());
  auto beat = w->heartbeat(id, lease.value());
  if (!reply_failed(res, beat))
    reply_json(res, 200, to_json(id, lease.value(), beat.value()));
}

void on_single(worker_backend* w, const Request& req, Response& res, bool ok) {
  task_id id = 0;
  if (!feature_on(w, res) || !task_id_of(req, res, id) || !json_typed(req, res))
    return;
  auto r = parse_worker_result(req.body, id, ok);
  if (!r)
    return reply_failure(res, r.err());
  auto v = w->complete({r.value()});
  reply_single(res, r.value(), v);
}

void on_batch(worker_backend* w, const Request& req, Response& res) {
  if (!feature_on(w, res) || !json_typed(req, res))
    return;
  auto rs = parse_worker_results(req.body);
  if (!rs)
    return reply_failure(res, rs.err());
  auto v = w->complete(rs.value());
  if (!reply_failed(res, v))
    reply_json(res, 200, verdicts_json(rs.value(), v.value()));
}

} // namespace

void add_worker_routes(const add_worker_route& add, worker_backend* w) {
  add("POST", "/v1/workers/poll", [w](const Request& req, Response& res) { on_poll(w, req, res); });
  add("GET", "/v1/workers", [w](const Request&, Response& res) {
    if (!feature_on(w, res))
      return;
    auto v = w->workers();
    if (!reply_failed(res, v))
      reply_json(res, 200, to_json(v.value()));
  });
  add("POST", "/v1/tasks/complete",
      [w](const Request& req, Response& res) { on_batch(w, req, res); });
  add("POST", R"(/v1/tasks/([^/]+)/heartbeat)",
      [w](const Request& req, Response& res) { on_heartbeat(w, req, res); });
  add("POST", R"(/v1/tasks/([^/]+)/complete)",
      [w](const Request& req, Response& res) { on_single(w, req, res, true); });
  add("POST", R"(/v1/tasks/([^/]+)/fail)",
      [w](const Request& req, Response& res) { on_single(w, req, res, false); });
}

} // namespace drover
