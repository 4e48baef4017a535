// The insight endpoints (http/routes_insight.cpp) on the real server over a
// fake backend: what reaches the backend, the JSON shapes, and a 400 naming
// every bad query parameter.
#include <doctest/doctest.h>

#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "http/backend_insight.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;
using json = nlohmann::json;

namespace {

class fake_insight : public insight_backend {
public:
  std::mutex mtx;
  uint64_t asked_after = 99;
  uint32_t asked_limit = 0;
  int64_t asked_since = -1;
  std::string forgot;

  result<event_page> events(uint64_t after, uint32_t limit) override {
    std::lock_guard<std::mutex> g{mtx};
    asked_after = after;
    asked_limit = limit;
    event_page p;
    p.events.push_back(cluster_event{8, 1700000000000, event_type::member_lost, "c1",
                                     "consumer c1 was lost: down", 0});
    p.last_seq = 8;
    p.oldest_seq = 3;
    p.dropped = after + 1 < 3;
    return p;
  }
  result<series_page> series(int64_t since_ms) override {
    std::lock_guard<std::mutex> g{mtx};
    asked_since = since_ms;
    series_page p;
    p.since_ms = since_ms;
    p.capacity = 900;
    series_point a;
    a.at_ms = 1000;
    a.completed_per_s = 12.3456;
    a.depth = {1, 2, 3};
    a.acks = 0;
    series_point b = a;
    b.at_ms = 2000;
    b.acks = 3;
    b.ack_p50_ms = 1.5;
    b.ack_p99_ms = 4.0;
    p.points = {a, b};
    return p;
  }
  result<manager_card> manager() override {
    manager_card c;
    c.node = "m1";
    c.version = "0.1.0";
    c.store = "memory";
    c.started_ms = 1000;
    c.now_ms = 61000;
    c.rules_version = 3;
    c.members_lost = 1;
    return c;
  }
  result<node_detail> node(const std::string& n) override {
    if (n != "c1")
      return error{ec::unknown_member, "no member '" + n + "' is known"};
    node_detail d;
    d.node = n;
    node_info r;
    r.member.node = n;
    r.member.role = member_role::consumer;
    r.state = node_state::lost;
    r.reason = "missed 3 heartbeats (100 ms each)";
    r.since_ms = 5;
    r.executed = 10;
    r.failed = 2;
    d.roles.push_back(r);
    d.held.push_back(held_task{42, "m1_7_42", 1, 7, task_state::running, 1, "sleep"});
    d.held_total = 1;
    return d;
  }
  result<std::vector<node_info>> forget_node(const std::string& n) override {
    std::lock_guard<std::mutex> g{mtx};
    if (n == "up1")
      return error{ec::bad_transition, "member 'up1' is up: only a lost or left member can be forgotten"};
    forgot = n;
    node_info r;
    r.member.node = n;
    r.state = node_state::left;
    return std::vector<node_info>{r};
  }
};

using server_fixture = fake_server<fakes<fake_insight>>;

} // namespace

TEST_SUITE("http_insight") {

TEST_CASE_FIXTURE(server_fixture, "GET /v1/events pages after a seq and says what was dropped") {
  auto doc = body_of(client.Get("/v1/events?since=1&limit=5"));
  CHECK(backend.asked_after == 1);
  CHECK(backend.asked_limit == 5);
  CHECK(doc["dropped"] == true);
  CHECK(doc["last_seq"] == 8);
  REQUIRE(doc["events"].size() == 1);
  CHECK(doc["events"][0]["type"] == "member_lost");
  CHECK(doc["events"][0]["node"] == "c1");
  body_of(client.Get("/v1/events"));
  CHECK(backend.asked_after == 0);
  CHECK(backend.asked_limit == 100);
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/series answers columns, a second without ACKs is null") {
  auto doc = body_of(client.Get("/v1/series?since_ms=500"));
  CHECK(backend.asked_since == 500);
  CHECK(doc["at_ms"] == json::array({1000, 2000}));
  CHECK(doc["completed_per_s"][0] == 12.35);
  CHECK(doc["queue_depth"]["low"] == json::array({3, 3}));
  CHECK(doc["ack_p50_ms"][0].is_null());
  CHECK(doc["ack_p99_ms"][1] == 4.0);
  CHECK(doc["capacity"] == 900);
  CHECK(doc["interval_ms"] == 1000);
}

TEST_CASE_FIXTURE(server_fixture, "bad query parameters are a 400 naming them") {
  struct bad_case { const char* path; const char* detail; };
  for (auto c : {bad_case{"/v1/events?since=-1", "since: expected an integer"},
                 bad_case{"/v1/events?limit=0", "limit: expected an integer from 1 to 1000, got '0'"},
                 bad_case{"/v1/events?limit=1001", "limit: expected an integer from 1 to 1000"},
                 bad_case{"/v1/events?since=1&since=2", "since: given more than once"},
                 bad_case{"/v1/events?sinse=1", "unknown query parameter 'sinse' (allowed: limit, since)"},
                 bad_case{"/v1/series?since_ms=abc", "since_ms: expected an integer"},
                 bad_case{"/v1/series?since=5", "unknown query parameter 'since' (allowed: since_ms)"},
                 bad_case{"/v1/manager?x=1", "unknown query parameter 'x' (this endpoint takes none)"}}) {
    INFO(c.path);
    auto res = client.Get(c.path);
    REQUIRE(res);
    CHECK(res->status == 400);
    auto doc = body_of(res);
    CHECK(doc["error"] == "bad_input");
    CHECK(doc["detail"].get<std::string>().find(c.detail) == 0);
  }
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/manager is the card with its uptime") {
  auto doc = body_of(client.Get("/v1/manager"));
  CHECK(doc["node"] == "m1");
  CHECK(doc["uptime_ms"] == 60000);
  CHECK(doc["rules"]["version"] == 3);
  CHECK(doc["members"]["lost"] == 1);
  CHECK(doc["version"] == "0.1.0");
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/nodes/{id} is one node's page, an unknown one 404") {
  auto doc = body_of(client.Get("/v1/nodes/c1"));
  CHECK(doc["roles"][0]["state"] == "lost");
  CHECK(doc["roles"][0]["reason"] == "missed 3 heartbeats (100 ms each)");
  CHECK(doc["executed"] == 10);
  CHECK(doc["failed"] == 2);
  CHECK(doc["held"][0]["id"] == "m1_7_42");
  CHECK(doc["held"][0]["state"] == "RUNNING");
  auto res = client.Get("/v1/nodes/zz");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(body_of(res)["error"] == "unknown_member");
}

TEST_CASE_FIXTURE(server_fixture, "DELETE /v1/nodes/{id} forgets a gone member, 409 for one up") {
  auto res = client.Delete("/v1/nodes/c9");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto doc = body_of(res);
  CHECK(doc["node"] == "c9");
  CHECK(doc["forgotten"][0]["state"] == "left");
  CHECK(backend.forgot == "c9");
  auto up = client.Delete("/v1/nodes/up1");
  REQUIRE(up);
  CHECK(up->status == 409);
}

}
