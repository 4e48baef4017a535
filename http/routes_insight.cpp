// What an operator looks back on, one insight_backend call each:
//   GET    /v1/events?since=SEQ&limit=N   the events after SEQ, oldest first
//   GET    /v1/series?since_ms=MS         the 1 s time series, columnar
//   GET    /v1/manager                    the manager's card
//   GET    /v1/nodes/{id}                 one node: roles, counters, the tasks it holds
//   DELETE /v1/nodes/{id}                 forget a lost or left member
#include <map>

#include <nlohmann/json.hpp>

#include "core/text_input.hpp"
#include "http/backend_insight.hpp"
#include "http/insight_json.hpp"
#include "http/json_codec.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

namespace drover {

namespace {

using Request = http_request;
using Response = http_response;

/// Reads the whole-number parameters named in `wanted` (name -> {value, max}),
/// each at most once; any other parameter or a bad value answers 400
/// naming it and returns false.
bool numbers_from(const Request& req, Response& res,
                  std::map<std::string, std::pair<uint64_t*, uint64_t>> wanted) {
  std::string allowed;
  for (auto& [name, slot] : wanted)
    allowed += (allowed.empty() ? "" : ", ") + name;
  for (auto& [key, value] : req.params) {
    auto w = wanted.find(key);
    std::string why;
    uint64_t n = 0;
    if (w == wanted.end())
      why = "unknown query parameter '" + key + "' ("
            + (allowed.empty() ? std::string{"this endpoint takes none"} : "allowed: " + allowed)
            + ")";
    else if (req.params.count(key) > 1)
      why = key + ": given more than once";
    else if (auto parsed = parse_whole_number(value); !parsed || (n = *parsed) > w->second.second)
      why = key + ": expected an integer from " + (key == "limit" ? "1" : "0") + " to "
            + std::to_string(w->second.second) + ", got '" + value.substr(0, 40) + "'";
    else if (key == "limit" && n == 0)
      why = "limit: expected an integer from 1 to " + std::to_string(w->second.second)
            + ", got '0'";
    if (!why.empty()) {
      reply_error(res, 400, "bad_input", why);
      return false;
    }
    *w->second.first = n;
  }
  return true;
}

} // namespace

void add_insight_routes(const route_adder& add, insight_backend& b) {
  add("GET", "/v1/events", [bk = &b](const Request& req, Response& res) {
    uint64_t since = 0, limit = 100;
    if (numbers_from(req, res, {{"since", {&since, UINT64_MAX}}, {"limit", {&limit, 1000}}}))
      reply_value(res, bk->events(since, static_cast<uint32_t>(limit)));
  });
  add("GET", "/v1/series", [bk = &b](const Request& req, Response& res) {
    uint64_t since = 0;
    if (numbers_from(req, res, {{"since_ms", {&since, INT64_MAX}}}))
      reply_value(res, bk->series(static_cast<int64_t>(since)));
  });
  add("GET", "/v1/manager", [bk = &b](const Request& req, Response& res) {
    if (numbers_from(req, res, {}))
      reply_value(res, bk->manager());
  });
  add("GET", R"(/v1/nodes/([^/]+))", [bk = &b](const Request& req, Response& res) {
    if (numbers_from(req, res, {}))
      reply_value(res, bk->node(req.matches[1]));
  });
  add("DELETE", R"(/v1/nodes/([^/]+))", [bk = &b](const Request& req, Response& res) {
    if (!numbers_from(req, res, {}))
      return;
    auto r = bk->forget_node(req.matches[1]);
    if (reply_failed(res, r))
      return;
    nlohmann::json rows = to_json(r.value());
    reply_json(res, 200, {{"node", req.matches[1]}, {"forgotten", std::move(rows["nodes"])}});
  });
}

} // namespace drover
