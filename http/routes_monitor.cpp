// The monitoring endpoints, one monitor_backend call each:
//   GET /healthz       200 ready, 503 not (yet) or unreachable
//   GET /metrics       Prometheus text
//   GET /v1/overview   the same figures as JSON, for the dashboard
//   GET /v1/alerts     the latest supervisor alerts
#include <nlohmann/json.hpp>

#include "http/backend_monitor.hpp"
#include "http/json_codec.hpp"
#include "http/metrics_text.hpp"
#include "http/routes.hpp"

namespace drover {

void add_monitor_routes(const route_adder& add, monitor_backend& b) {
  add("GET", "/v1/overview", [bk = &b](const http_request&, http_response& res) {
    reply_value(res, bk->metrics());
  });
  add("GET", "/v1/alerts", [bk = &b](const http_request&, http_response& res) {
    reply_value(res, bk->alerts());
  });
  add("GET", "/metrics", [bk = &b](const http_request&, http_response& res) {
    auto r = bk->metrics();
    if (!reply_failed(res, r))
      res.set_content(write_metrics(r.value()), metrics_content_type);
  });
  add("GET", "/healthz", [bk = &b](const http_request&, http_response& res) {
    auto r = bk->health();
    if (!r)
      return reply_json(res, 503, {{"status", "unavailable"}, {"detail", r.err().message}});
    reply_json(res, r->ready ? 200 : 503, to_json(r.value()));
  });
}

} // namespace drover
