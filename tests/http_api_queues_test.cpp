// Issue 10 over REST against a real `drover run` (loopback, OS-picked ports,
// bounded waits): 429 + Retry-After when the bounded queues are full and
// nothing of the refused job stored; a split job whose merge gets the parts'
// results; two jobs sharing a dedupe_key whose task runs once.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/httplib_abi.hpp"
#include "support/process.hpp"
#include "support/rest_node.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

/// One `drover run` with REST; `roles` and `queues` as flags.
struct queues_node {
  scratch_dir dir;
  rest_node rest;
  std::unique_ptr<child_process>& proc = rest.proc;
  std::unique_ptr<httplib::Client>& http = rest.http;

  queues_node(const std::string& roles, const std::string& queues)
    : rest({"--role=" + roles, "--store=memory", "--queues=" + queues}, dir.path + "/node") {}
  ~queues_node() {
    proc->signal(SIGTERM);
    proc->wait(10s);
  }

  httplib::Result post(const std::string& body) {
    return http->Post("/v1/jobs", body, "application/json");
  }
  json get(const std::string& path) {
    auto res = http->Get(path.c_str());
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  }
  json finished(uint64_t job) { // polls at most 10 s
    json j = json::object();
    for (int i = 0; i < 200 && !j.value("finished", false); ++i, std::this_thread::sleep_for(50ms))
      j = get("/v1/jobs/" + std::to_string(job));
    return j;
  }
};

std::string noop_job(int n) {
  return json{{"name", "n"}, {"tasks", {{{"type", "noop"}, {"count", n}}}}}.dump();
}

} // namespace

TEST_SUITE("http api") {

TEST_CASE("POST /v1/jobs gets 429 when the queues are full and stores nothing of that job") {
  queues_node n{"registry,manager", "normal:5,standby:2"}; // no consumer drains them
  auto big = n.post(noop_job(8));
  REQUIRE(big);
  CHECK(big->status == 429);
  CHECK(big->get_header_value("Retry-After") == "1");
  auto err = json::parse(big->body);
  CHECK(err["error"] == "overloaded");
  CHECK(err["detail"].get<std::string>().find("the queues are full") != std::string::npos);
  auto fits = n.post(noop_job(7));
  REQUIRE(fits);
  CHECK(fits->status == 201);
  auto one_more = n.post(noop_job(1));
  REQUIRE(one_more);
  CHECK(one_more->status == 429);
  CHECK(n.get("/v1/jobs")["total"] == 1);
  auto high = n.post(R"({"name": "h", "tasks": [{"type": "noop", "priority": "high"}]})");
  REQUIRE(high);
  CHECK(high->status == 201); // high has a queue of its own
}

TEST_CASE("a split job merge runs after its parts with their results and dedupe runs once") {
  queues_node n{"registry,manager,consumer", "normal:1000"};
  auto res = n.post(R"({"name": "sum", "tasks": [{"type": "echo"}],
    "split": {"range": {"from": 0, "to": 9, "shards": 3}},
    "merge": {"type": "echo", "payload": "total"}})");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  auto created = json::parse(res->body);
  auto job = n.finished(created["job_id"]);
  CHECK(job["counts"]["SUCCEEDED"] == 4);
  CHECK(job["merge"]["parts"] == 3);
  CHECK(job["merge"]["state"] == "ENDED");
  auto merge = n.get("/v1/tasks/" + created["task_ids"][3].get<std::string>());
  auto input = json::parse(merge["result"].get<std::string>()); // echo: its input
  CHECK(input["payload"] == "total");
  CHECK(input["results"] == json::array({R"({"from":0,"to":3})", R"({"from":3,"to":6})",
                                         R"({"from":6,"to":9})"}));

  auto a = n.post(R"({"name": "a", "tasks": [{"type": "sleep", "payload": "1000", "dedupe_key": "k", "count": 3}]})");
  auto b = n.post(R"({"name": "b", "tasks": [{"type": "sleep", "payload": "1000", "dedupe_key": "k"}]})");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(n.finished(json::parse(a->body)["job_id"])["counts"]["SUCCEEDED"] == 3);
  CHECK(n.finished(json::parse(b->body)["job_id"])["counts"]["SUCCEEDED"] == 1);
  auto assignments = n.http->Get("/metrics");
  REQUIRE(assignments);
  // 3 split parts + merge + one run for the 4 deduped tasks.
  CHECK(assignments->body.find("drover_assignments_total 5") != std::string::npos);
}

} // TEST_SUITE
