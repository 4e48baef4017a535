// The jobs and tasks endpoints: check the input, make one jobs_backend call,
// map its error through http/status.cpp or encode its value through
// http/json_codec.cpp.
//   POST /v1/jobs                   201 (200 for a known Idempotency-Key)
//   GET  /v1/jobs?offset=&limit=    a page of jobs
//   GET  /v1/jobs/{id}              one job's progress
//   POST /v1/jobs/{id}/seal|cancel
//   GET  /v1/jobs/{id}/tasks        a page of its tasks
//   GET  /v1/tasks?state=FAILED     every job's tasks that ended badly
//   GET  /v1/tasks/{id}, POST /v1/tasks/{id}/cancel
#include <chrono>

#include <nlohmann/json.hpp>

#include "core/text_input.hpp"
#include "http/backend_jobs.hpp"
#include "http/job_json.hpp"
#include "http/json_codec.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

namespace drover {

namespace {

using Request = http_request;
using Response = http_response;

int64_t now_ms() { // the wall clock, read only here at the edge (job rates)
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// The job id the route's path names.
result<job_id> job_id_from(const Request& req) {
  auto text = req.matches[1];
  if (auto parsed = parse_whole_number(text))
    return job_id{*parsed};
  return error{ec::bad_input, "job id '" + text + "' is not a number"};
}

/// The task id the route's path names (a number or NODE_MS_NUMBER).
result<task_id> task_id_from(const Request& req) {
  auto text = req.matches[1];
  if (auto parsed = parse_task_id(text))
    return task_id{*parsed};
  return error{ec::bad_input, "task id '" + text + "' is neither a number nor NODE_MS_NUMBER"};
}

/// A full id (NODE_MS_NUMBER), not a bare number.
bool has_prefix(const std::string& text) { return text.find('_') != std::string::npos; }

/// `text` is a full id, and not `actual`, the id of the task with its
/// number: it names a task of another manager or store (numbers restart
/// with a fresh store), which must not be answered with this one.
bool names_another(const std::string& text, const std::string& actual) {
  return has_prefix(text) && text != actual;
}

std::string no_such_task(const std::string& text, const std::string& actual) {
  return "no task " + text + " here: the task with its number is " + actual
         + " (the id names another manager's or store's task)";
}

/// A route on /v1/jobs/{id}...: the id checked, then `call` answers the job.
template <class Call>
http_handler on_job(jobs_backend& b, Call call) {
  return [bk = &b, call](const Request& req, Response& res) {
    auto id = job_id_from(req);
    if (reply_failed(res, id))
      return;
    auto r = call(*bk, *id);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value(), now_ms()));
  };
}

void submit(const Request& req, Response& res, jobs_backend& b, const http_server_options& o) {
  if (!json_typed(req, res))
    return;
  auto parsed = parse_job_request(req.body, job_limits{o.max_tasks});
  if (parsed.err)
    return reply_error(res, parsed.too_many ? 413 : 400,
                       parsed.too_many ? "too_many_tasks" : "bad_input", parsed.err.message);
  auto key = idempotency_key(req.get_header_value("Idempotency-Key"), parsed.job.origin);
  if (!key)
    return reply_failure(res, key.err());
  parsed.job.origin = key.value();
  auto r = b.submit_job(std::move(parsed.job));
  if (reply_failed(res, r))
    return;
  res.set_header("Location", "/v1/jobs/" + std::to_string(r->job));
  // A known key answers the job stored before: 200, nothing new was made.
  reply_json(res, r->existing ? 200 : 201, to_json(r.value()));
}

} // namespace

void add_job_routes(const route_adder& add, jobs_backend& b, const http_server_options& opts,
                    task_id_owner other) {
  add("POST", "/v1/jobs", [bk = &b, o = &opts](const Request& req, Response& res) {
    submit(req, res, *bk, *o);
  });
  add("GET", "/v1/jobs", [bk = &b](const Request& req, Response& res) {
    auto page = read_paging(req.params); // ?offset=&limit=; anything else is a 400
    if (reply_failed(res, page))
      return;
    auto r = bk->list_jobs(page->offset, page->limit);
    if (!reply_failed(res, r))
      reply_json(res, 200, to_json(r.value(), page->offset, page->limit, now_ms()));
  });
  add("GET", R"(/v1/jobs/([^/]+))", on_job(b, [](jobs_backend& bk, job_id id) {
        return bk.get_job(id);
      }));
  add("POST", R"(/v1/jobs/([^/]+)/seal)", on_job(b, [](jobs_backend& bk, job_id id) {
        return bk.seal_job(id);
      }));
  add("GET", R"(/v1/jobs/([^/]+)/tasks)", [bk = &b](const Request& req, Response& res) {
    auto id = job_id_from(req);
    if (reply_failed(res, id))
      return;
    auto q = read_task_query(req.params);
    if (reply_failed(res, q))
      return;
    q->job = *id;
    reply_value(res, bk->list_job_tasks(*q));
  });
  add("POST", R"(/v1/jobs/([^/]+)/cancel)", [bk = &b](const Request& req, Response& res) {
    auto id = job_id_from(req);
    if (reply_failed(res, id))
      return;
    reply_value(res, bk->cancel_job(*id));
  });
  // Every job's tasks that ended badly, e.g. the failed view of the dashboard.
  add("GET", "/v1/tasks", [bk = &b](const Request& req, Response& res) {
    auto q = read_task_query(req.params); // its job 0: every job
    if (reply_failed(res, q))
      return;
    if (q->any_state || q->state < task_state::failed)
      return reply_error(res, 400, "bad_input",
                         "state: across jobs, expected one of FAILED, CANCELLED, TIMED_OUT, got '"
                           + std::string{q->any_state ? "" : to_string(q->state)}
                           + "' (a job's tasks in any state: GET /v1/jobs/{id}/tasks)");
    reply_value(res, bk->list_job_tasks(*q));
  });
  add("GET", R"(/v1/tasks/([^/]+))",
      [bk = &b, other = std::move(other)](const Request& req, Response& res) {
        if (other && other(req.matches[1], res))
          return;
        auto id = task_id_from(req);
        if (reply_failed(res, id))
          return;
        auto info = bk->get_task(*id);
        if (info && names_another(req.matches[1], info->id))
          return reply_error(res, 404, "unknown_task", no_such_task(req.matches[1], info->id));
        reply_value(res, std::move(info));
      });
  add("POST", R"(/v1/tasks/([^/]+)/cancel)", [bk = &b](const Request& req, Response& res) {
    auto id = task_id_from(req);
    if (reply_failed(res, id))
      return;
    if (has_prefix(req.matches[1])) { // cancel only the task named, never its namesake
      auto info = bk->get_task(*id);
      if (!info)
        return reply_value(res, std::move(info));
      if (names_another(req.matches[1], info->id))
        return reply_error(res, 404, "unknown_task", no_such_task(req.matches[1], info->id));
    }
    reply_value(res, bk->cancel_task(*id));
  });
}

} // namespace drover
