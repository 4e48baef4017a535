// The schedule endpoints, one schedules_backend call each:
//   POST   /v1/schedules                 201 + the schedule
//   GET    /v1/schedules                 {"schedules": [...]}
//   GET    /v1/schedules/{id}            one, with its recent runs and job ids
//   POST   /v1/schedules/{id}/start|stop
//   PUT | PATCH /v1/schedules/{id}       {"every"} or {"cron"}: new period from now
//   DELETE /v1/schedules/{id}
#include <charconv>

#include <nlohmann/json.hpp>

#include "http/backend_schedules.hpp"
#include "http/json_codec.hpp"
#include "http/routes.hpp"
#include "http/schedule_json.hpp"
#include "http/status.hpp"

namespace drover {

namespace {

using Request = http_request;
using Response = http_response;

/// Answers with the record, or with the backend's error.
void reply(Response& res, const result<schedule_record>& r, int status = 200) {
  if (!r) {
    res.status = http_status(r.err().code);
    res.set_content(error_body(r.err()), "application/json");
    return;
  }
  res.status = status;
  res.set_content(dump_json(to_json(r.value())), "application/json");
}

/// The schedule id the route's path names.
result<uint64_t> id_from(const Request& req) {
  auto text = req.matches[1];
  uint64_t id = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (!text.empty() && err == std::errc{} && end == text.data() + text.size())
    return id;
  return error{ec::bad_input, "schedule id '" + text + "' is not a number"};
}

} // namespace

void add_schedule_routes(const route_adder& add, schedules_backend& b) {
  const char* one = R"(/v1/schedules/([^/]+))";
  add("POST", "/v1/schedules", [bk = &b](const Request& req, Response& res) {
    if (!json_typed(req, res))
      return;
    auto in = parse_schedule_body(req.body);
    if (!in)
      return reply_error(res, 400, "bad_input", in.err().message);
    auto r = bk->create_schedule(std::move(*in));
    if (r)
      res.set_header("Location", "/v1/schedules/" + std::to_string(r->id));
    reply(res, r, 201);
  });
  add("GET", "/v1/schedules", [bk = &b](const Request&, Response& res) {
    auto r = bk->list_schedules();
    if (!r) {
      res.status = http_status(r.err().code);
      return res.set_content(error_body(r.err()), "application/json");
    }
    res.set_content(dump_json(to_json(r.value())), "application/json");
  });
  add("GET", one, [bk = &b](const Request& req, Response& res) {
    if (auto id = id_from(req); !reply_failed(res, id))
      reply(res, bk->get_schedule(*id));
  });
  for (auto [path, running] : {std::pair{R"(/v1/schedules/([^/]+)/start)", true},
                               std::pair{R"(/v1/schedules/([^/]+)/stop)", false}})
    add("POST", path, [bk = &b, running = running](const Request& req, Response& res) {
      if (auto id = id_from(req); !reply_failed(res, id))
        reply(res, bk->set_schedule_running(*id, running));
    });
  auto change = [bk = &b](const Request& req, Response& res) {
    auto id = id_from(req);
    if (reply_failed(res, id) || !json_typed(req, res))
      return;
    auto period = parse_period_body(req.body);
    if (!period)
      return reply_error(res, 400, "bad_input", period.err().message);
    reply(res, bk->change_schedule(*id, period->every, period->cron));
  };
  add("PUT", one, change);
  add("PATCH", one, change);
  add("DELETE", one, [bk = &b](const Request& req, Response& res) {
    if (auto id = id_from(req); !reply_failed(res, id))
      reply(res, bk->delete_schedule(*id));
  });
}

} // namespace drover
