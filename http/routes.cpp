// What every routes file shares (http/routes.hpp): JSON answers, error
// answers, the Content-Type check; and add_routes(), which registers each
// feature the bundle has. The server checked the token and the body's size
// before a handler runs; the router catches what a handler throws.
#include "http/routes.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "http/dashboard.hpp"
#include "http/json_codec.hpp"
#include "http/routes_workers.hpp"
#include "http/status.hpp"

namespace drover {

void reply_json(http_response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(dump_json(body), "application/json");
}

void reply_failure(http_response& res, const error& e) {
  res.status = http_status(e.code);
  if (res.status == 503 || res.status == 429) // the client may retry: say when
    res.set_header("Retry-After", "1");
  res.set_content(error_body(e), "application/json");
}

bool json_typed(const http_request& req, http_response& res) {
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

void reply_error(http_response& res, int status, const std::string& name,
                 const std::string& detail) {
  res.status = status;
  res.set_content(error_body(name, detail), "application/json");
}

void add_routes(router& routes, const http_backends& b, const http_server_options& opts) {
  route_adder add = [&routes](const char* method, const char* path, http_handler h) {
    routes.add(method, path, std::move(h));
  };
  task_id_owner deliveries;
  if (b.data)
    deliveries = [d = b.data](const std::string& id, http_response& res) {
      return serve_delivery(id, res, *d);
    };
  if (b.jobs)
    add_job_routes(add, *b.jobs, opts, std::move(deliveries));
  if (b.rules)
    add_rules_routes(add, *b.rules);
  if (b.nodes)
    add_node_routes(add, *b.nodes, opts);
  if (b.monitor)
    add_monitor_routes(add, *b.monitor);
  if (b.data)
    add_data_routes(add, *b.data);
  if (b.schedules)
    add_schedule_routes(add, *b.schedules);
  if (b.insight)
    add_insight_routes(add, *b.insight);
  add_worker_routes(add, b.workers); // null: they answer that no workers are served here
  add_dashboard(routes); // GET / and /web/*: open, the page asks for the token
}

} // namespace drover
