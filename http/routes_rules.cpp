// The rules endpoints, one rules_backend call each:
//   GET /v1/rules   the set in force
//   PUT /v1/rules   a new set as YAML; 422 naming each problem, the old set stays
#include <nlohmann/json.hpp>

#include "http/backend_rules.hpp"
#include "http/json_codec.hpp"
#include "http/routes.hpp"

namespace drover {

void add_rules_routes(const route_adder& add, rules_backend& b) {
  add("GET", "/v1/rules", [bk = &b](const http_request&, http_response& res) {
    reply_value(res, bk->get_rules());
  });
  add("PUT", "/v1/rules", [bk = &b](const http_request& req, http_response& res) {
    reply_value(res, bk->put_rules(req.body));
  });
}

} // namespace drover
