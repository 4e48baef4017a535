// The node status and command endpoints (http/routes_nodes.cpp) and the
// node fields of GET /v1/nodes and /metrics, over the fake backend.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "http/metrics_text.hpp"
#include "http/node_json.hpp"
#include "http_fake_nodes.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;
using json = nlohmann::json;

namespace {

using server_fixture = fake_server<fake_nodes>;

void refused(const httplib::Result& res, int status, const std::string& part) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  auto doc = body_of(res);
  CHECK(doc.contains("error"));
  CHECK(doc["detail"].get<std::string>().find(part) != std::string::npos);
}

node_status status_at(int64_t at_ms) {
  node_status s;
  s.node = "c1";
  s.at_ms = at_ms;
  s.cpu_pct = 42.5;
  s.task_backlog = 3;
  s.user_backlog = 0;
  return s;
}

} // namespace

TEST_SUITE("http_nodes") {

TEST_CASE_FIXTURE(server_fixture, "POST a command answers 202 with the queued command") {
  backend.reports["c1"] = {};
  auto res = client.Post("/v1/nodes/c1/commands", R"({"command": "drain"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 202);
  auto doc = body_of(res);
  CHECK(doc["command"] == "drain");
  CHECK(doc["state"] == "queued");
  CHECK(doc["node"] == "c1");
  auto list = body_of(client.Get("/v1/nodes/c1/commands"));
  REQUIRE(list["commands"].size() == 1);
  CHECK(list["commands"][0]["command"] == "drain");
}

TEST_CASE_FIXTURE(server_fixture, "bad command requests get a 4xx that says what to fix") {
  backend.reports["c1"] = {};
  refused(client.Post("/v1/nodes/c1/commands", "not json", "application/json"), 400,
          "not valid JSON");
  refused(client.Post("/v1/nodes/c1/commands", "[1]", "application/json"), 400,
          "must be a JSON object");
  refused(client.Post("/v1/nodes/c1/commands", "{}", "application/json"), 400,
          "\"command\" is missing");
  refused(client.Post("/v1/nodes/c1/commands", R"({"command": 7})", "application/json"), 400,
          "must be a string");
  refused(client.Post("/v1/nodes/c1/commands", R"({"command": "reboot"})", "application/json"),
          400, "unknown command 'reboot'");
  refused(client.Post("/v1/nodes/c1/commands", R"({"command": "drain", "x": 1})",
                      "application/json"),
          400, "unknown field 'x'");
  refused(client.Post("/v1/nodes/nope/commands", R"({"command": "drain"})", "application/json"),
          404, "no node 'nope'");
  refused(client.Get("/v1/nodes/nope/commands"), 404, "no node 'nope'");
  CHECK(backend.commands["c1"].empty()); // nothing half-stored
}

TEST_CASE_FIXTURE(server_fixture, "GET status lists the reports after ?since=") {
  backend.reports["c1"] = {status_at(1000), status_at(2000), status_at(3000)};
  auto doc = body_of(client.Get("/v1/nodes/c1/status?since=1500"));
  REQUIRE(doc["reports"].size() == 2);
  CHECK(doc["reports"][0]["at_ms"] == 2000);
  CHECK(doc["reports"][0]["cpu_percent"] == 42.5);
  CHECK(doc["reports"][0]["task_backlog"] == 3);
  CHECK(doc["reports"][0].contains("user_backlog"));
  CHECK(body_of(client.Get("/v1/nodes/c1/status"))["reports"].size() == 3);
  refused(client.Get("/v1/nodes/c1/status?since=abc"), 400, "since: expected unix milliseconds");
  refused(client.Get("/v1/nodes/c1/status?from=1"), 400, "unknown query parameter 'from'");
  refused(client.Get("/v1/nodes/c9/status"), 404, "no node 'c9'");
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/nodes shows a consumer's mode and latest report") {
  node_info n;
  n.member.node = "c1";
  n.member.role = member_role::consumer;
  n.mode = node_mode::asleep;
  n.has_status = true;
  n.status = status_at(5000);
  node_info p;
  p.member.node = "p1";
  p.member.role = member_role::producer;
  backend.node_list = {n, p};
  auto doc = body_of(client.Get("/v1/nodes"));
  REQUIRE(doc["nodes"].size() == 2);
  CHECK(doc["nodes"][0]["mode"] == "asleep");
  CHECK(doc["nodes"][0]["status"]["cpu_percent"] == 42.5);
  CHECK_FALSE(doc["nodes"][1].contains("mode"));
  CHECK(doc["nodes"][1]["status"].is_null());
}

TEST_CASE("/metrics shows node gauges, modes and command counts, with node names escaped") {
  metrics_snapshot m;
  node_info n;
  n.member.node = "c\"1";
  n.mode = node_mode::draining;
  n.has_status = true;
  n.status = status_at(1);
  m.nodes.push_back(n);
  m.commands[static_cast<int>(command_state::done)] = 4;
  m.status_reports = 9;
  auto text = write_metrics(m);
  CHECK(text.find("drover_node_mode{node=\"c\\\"1\",mode=\"draining\"} 1") != std::string::npos);
  CHECK(text.find("drover_node_cpu_percent{node=\"c\\\"1\"} 42.5") != std::string::npos);
  CHECK(text.find("drover_node_commands{state=\"done\"} 4") != std::string::npos);
  CHECK(text.find("drover_node_status_reports_total 9") != std::string::npos);
}

}
