// Endpoint handlers (http/routes.hpp). Each one: check the input, make one
// backend call, map its error through http/status.cpp or encode its value
// through http/json_codec.cpp. The server checked the token and the body's
// size before a handler runs; the router catches what a handler throws.
#include "http/routes.hpp"

#include <cctype>
#include <charconv>
#include <chrono>

#include <nlohmann/json.hpp>

#include "http/dashboard.hpp"
#include "http/job_json.hpp"
#include "http/json_codec.hpp"
#include "http/metrics_text.hpp"
#include "http/query_params.hpp"
#include "http/routes_data.hpp"
#include "http/routes_nodes.hpp"
#include "http/routes_workers.hpp"
#include "http/status.hpp"

namespace drover {

namespace {

using Request = http_request;
using Response = http_response;

int64_t now_ms() { // the wall clock, read only here at the edge (job rates)
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool job_id_from(const Request& req, Response& res, job_id& id) {
  auto text = req.matches[1];
  if (parse_u64(text, id))
    return true;
  reply_error(res, 400, "bad_input", "job id '" + text + "' is not a number");
  return false;
}

bool task_id_from(const Request& req, Response& res, task_id& id) {
  auto text = req.matches[1];
  if (parse_task_id(text, id))
    return true;
  reply_error(res, 400, "bad_input", "task id '" + text
                                       + "' is neither a number nor NODE_MS_NUMBER");
  return false;
}

/// Reads ?offset=&limit= for GET /v1/jobs; anything else is a 400.
bool paging_from(const Request& req, Response& res, uint64_t& offset, uint32_t& limit) {
  if (auto err = read_paging(req.params, offset, limit)) {
    reply_error(res, 400, "bad_input", err.message);
    return false;
  }
  return true;
}

} // namespace

void reply_json(Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(dump_json(body), "application/json");
}

void reply_failure(Response& res, const error& e) {
  res.status = http_status(e.code);
  if (res.status == 503 || res.status == 429) // 429: queues full (issue 10)
    res.set_header("Retry-After", "1");
  res.set_content(error_body(e), "application/json");
}

bool json_typed(const Request& req, Response& res) {
  if (!req.has_header("Content-Type"))
    return true;
  auto type = req.get_header_value("Content-Type");
  auto media = type.substr(0, type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t'))
    media.pop_back();
  for (auto& ch : media)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  bool json = media == "application/json"
              || (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
  if (!json)
    reply_error(res, 415, "unsupported_media_type",
                "Content-Type '" + type + "' is not JSON: send the body as application/json "
                                          "(curl: --json '{...}' or -H 'Content-Type: application/json')");
  return json;
}

void reply_error(Response& res, int status, const std::string& name, const std::string& detail) {
  res.status = status;
  res.set_content(error_body(name, detail), "application/json");
}

void add_routes(router& routes, http_backend& b, const http_server_options& opts) {
  auto get = [&](const char* path, http_handler f) { routes.add("GET", path, std::move(f)); };
  auto post = [&](const char* path, http_handler f) { routes.add("POST", path, std::move(f)); };
  auto put = [&](const char* path, http_handler f) { routes.add("PUT", path, std::move(f)); };

  post("/v1/jobs", [bk = &b, o = &opts](const Request& req, Response& res) {
    if (!json_typed(req, res))
      return;
    auto parsed = parse_job_request(req.body, job_limits{o->max_tasks});
    if (parsed.err)
      return reply_error(res, parsed.too_many ? 413 : 400,
                         parsed.too_many ? "too_many_tasks" : "bad_input", parsed.err.message);
    auto key = idempotency_key(req.get_header_value("Idempotency-Key"), parsed.job.origin);
    if (!key)
      return reply_failure(res, key.err());
    parsed.job.origin = key.value();
    auto r = bk->submit_job(std::move(parsed.job));
    if (reply_failed(res, r))
      return;
    res.set_header("Location", "/v1/jobs/" + std::to_string(r->job));
    // A known key answers the job stored before: 200, nothing new was made.
    reply_json(res, r->existing ? 200 : 201, to_json(r.value()));
  });
  get("/v1/jobs", [bk = &b](const Request& req, Response& res) {
    uint64_t offset = 0;
    uint32_t limit = 0;
    if (!paging_from(req, res, offset, limit))
      return;
    auto r = bk->list_jobs(offset, limit);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value(), offset, limit, now_ms()));
  });
  get(R"(/v1/jobs/([^/]+))", [bk = &b](const Request& req, Response& res) {
    job_id id = 0;
    if (!job_id_from(req, res, id))
      return;
    auto r = bk->get_job(id);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value(), now_ms()));
  });
  post(R"(/v1/jobs/([^/]+)/seal)", [bk = &b](const Request& req, Response& res) {
    job_id id = 0;
    if (!job_id_from(req, res, id))
      return;
    auto r = bk->seal_job(id);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value(), now_ms()));
  });
  get(R"(/v1/jobs/([^/]+)/tasks)", [bk = &b](const Request& req, Response& res) {
    task_query q;
    if (!job_id_from(req, res, q.job))
      return;
    if (auto err = read_task_query(req.params, q))
      return reply_error(res, 400, "bad_input", err.message);
    auto r = bk->list_job_tasks(q);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  post(R"(/v1/jobs/([^/]+)/cancel)", [bk = &b](const Request& req, Response& res) {
    job_id id = 0;
    if (!job_id_from(req, res, id))
      return;
    auto r = bk->cancel_job(id);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  get(R"(/v1/tasks/([^/]+))", [bk = &b](const Request& req, Response& res) {
    if (serve_delivery(req.matches[1], res, *bk)) // a delivery id
      return;
    task_id id = 0;
    if (!task_id_from(req, res, id))
      return;
    auto r = bk->get_task(id);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  post(R"(/v1/tasks/([^/]+)/cancel)", [bk = &b](const Request& req, Response& res) {
    task_id id = 0;
    if (!task_id_from(req, res, id))
      return;
    auto r = bk->cancel_task(id);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  get("/v1/rules", [bk = &b](const Request&, Response& res) {
    auto r = bk->get_rules();
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  put("/v1/rules", [bk = &b](const Request& req, Response& res) {
    auto r = bk->put_rules(req.body);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  get("/v1/nodes", [bk = &b](const Request&, Response& res) {
    auto r = bk->nodes();
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  get("/v1/overview", [bk = &b](const Request&, Response& res) {
    auto r = bk->metrics();
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  get("/v1/alerts", [bk = &b](const Request&, Response& res) {
    auto r = bk->alerts();
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value()));
  });
  get("/metrics", [bk = &b](const Request&, Response& res) {
    auto r = bk->metrics();
    if (!reply_failed(res, r))
      res.set_content(write_metrics(r.value()), metrics_content_type);
  });
  get("/healthz", [bk = &b](const Request&, Response& res) {
    auto r = bk->health();
    if (!r)
      return reply_json(res, 503, {{"status", "unavailable"}, {"detail", r.err().message}});
    reply_json(res, r->ready ? 200 : 503, to_json(r.value()));
  });
  add_data_routes([&](const char* p, data_handler f) { get(p, f); }, // #9
                  [&](const char* p, data_handler f) { post(p, f); }, b);
  add_node_routes([&](const char* p, http_handler h) { get(p, std::move(h)); },
                  [&](const char* p, http_handler h) { post(p, std::move(h)); }, b,
                  opts); // status reports and commands (#9)
  add_schedule_routes( // schedules (issue #10 item 6): http/routes_schedules.cpp
    [&](const char* method, const char* path, http_handler h) {
      routes.add(method, path, std::move(h));
    },
    b);
  add_worker_routes( // remote workers over HTTP: http/routes_workers.cpp
    [&](const char* method, const char* path, http_handler h) { routes.add(method, path, std::move(h)); },
    b.workers_api());
  add_dashboard(routes); // GET / and /web/*: open, the page asks for the token
}

} // namespace drover
