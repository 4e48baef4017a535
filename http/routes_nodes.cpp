// The nodes endpoints, one nodes_backend call each:
//   GET  /v1/nodes                         every member, its state, load and latest report
//   GET  /v1/nodes/{id}/status?since=MS   recent reports of one node
//   POST /v1/nodes/{id}/commands           {"command": "drain"} -> 202
//   GET  /v1/nodes/{id}/commands           every command and its state
#include <charconv>

#include <nlohmann/json.hpp>

#include "http/backend_nodes.hpp"

#include "http/json_codec.hpp"
#include "http/node_json.hpp"
#include "http/routes.hpp"
#include "http/status.hpp"

namespace drover {

namespace {

using Request = http_request;
using Response = http_response;

/// ?since=MS (unix ms, default 0: everything kept); anything else is a 400.
bool since_from(const Request& req, Response& res, int64_t& since) {
  for (auto& [key, value] : req.params) {
    if (key != "since") {
      reply_error(res, 400, "bad_input", "unknown query parameter '" + key + "' (allowed: since)");
      return false;
    }
    auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), since);
    if (value.empty() || err != std::errc{} || end != value.data() + value.size() || since < 0) {
      reply_error(res, 400, "bad_input",
                  "since: expected unix milliseconds (a non-negative integer), got '" + value + "'");
      return false;
    }
  }
  return true;
}

} // namespace

void add_node_routes(const route_adder& add, nodes_backend& b, const http_server_options& opts) {
  add("GET", "/v1/nodes", [bk = &b](const Request&, Response& res) {
    reply_value(res, bk->nodes());
  });
  add("GET", R"(/v1/nodes/([^/]+)/status)", [bk = &b](const Request& req, Response& res) {
    int64_t since = 0;
    if (!since_from(req, res, since))
      return;
    auto node = req.matches[1];
    auto r = bk->node_history(node, since);
    if (!reply_failed(res, r))
      reply_json(res, 200, history_json(node, since, r.value()));
  });
  add("GET", R"(/v1/nodes/([^/]+)/commands)", [bk = &b](const Request& req, Response& res) {
    auto node = req.matches[1];
    auto r = bk->node_commands(node);
    if (!reply_failed(res, r))
      reply_json(res, 200, commands_json(node, r.value()));
  });
  add("POST", R"(/v1/nodes/([^/]+)/commands)", [bk = &b, o = &opts](const Request& req,
                                                                      Response& res) {
    if (req.body.size() > o->max_body)
      return reply_error(res, 413, "body_too_large", "the body is larger than the limit of "
                                                       + std::to_string(o->max_body) + " bytes");
    if (!json_typed(req, res))
      return;
    auto command = parse_command_request(req.body);
    if (!command)
      return reply_error(res, 400, "bad_input", command.err().message);
    auto node = req.matches[1];
    auto r = bk->post_node_command(node, *command);
    if (reply_failed(res, r))
      return;
    res.set_header("Location", "/v1/nodes/" + node + "/commands");
    reply_json(res, 202, to_json(r.value()));
  });
}

} // namespace drover
