// REST against a real manager: a `drover run` process with every
// role serves HTTP on an OS-picked loopback port; the test talks to it with
// an HTTP client and with the `drover` client commands. Every wait is bounded.
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

std::vector<std::string> with_store(const scratch_dir& dir, std::vector<std::string> extra) {
  extra.insert(extra.begin(), "--store=sqlite:" + dir.path + "/d.db");
  return extra;
}

struct api_fixture {
  scratch_dir dir;
  rest_node rest;
  std::unique_ptr<child_process>& node = rest.proc;
  std::unique_ptr<httplib::Client>& http = rest.http;
  std::string server = rest.url();

  explicit api_fixture(std::vector<std::string> extra = {})
    : rest(with_store(dir, std::move(extra)), dir.path + "/node") {}

  ~api_fixture() {
    node->signal(SIGTERM);
    node->wait(10s);
  }

  json get(const std::string& path, int want = 200) {
    auto res = http->Get(path.c_str());
    REQUIRE(res);
    INFO(path << " -> " << res->body);
    CHECK(res->status == want);
    return json::parse(res->body, nullptr, false);
  }

  json send(const std::string& method, const std::string& path, const std::string& body,
            int want, const char* type = "application/json") {
    auto res = method == "POST" ? http->Post(path.c_str(), body, type)
                                : http->Put(path.c_str(), body, type);
    REQUIRE(res);
    INFO(method << " " << path << " -> " << res->body);
    CHECK(res->status == want);
    return json::parse(res->body, nullptr, false);
  }

  /// Polls the job until it is finished (at most 10 s).
  json wait_finished(uint64_t job) {
    json j;
    for (int i = 0; i < 200; ++i) {
      j = get("/v1/jobs/" + std::to_string(job));
      if (j.value("finished", false))
        break;
      std::this_thread::sleep_for(50ms);
    }
    return j;
  }
};

} // namespace

TEST_SUITE("http api") {

TEST_CASE("jobs, tasks, cancel, rules, nodes, metrics and health against a real manager") {
  api_fixture f;
  CHECK(f.get("/healthz")["status"] == "ok");

  auto created = f.send("POST", "/v1/jobs",
                        R"({"name":"demo","tasks":[{"type":"echo","payload":"hi"},)"
                        R"({"type":"sleep","payload":"60000"}]})",
                        201);
  REQUIRE(created["task_ids"].size() == 2);
  uint64_t job = created["job_id"];
  std::string echo_id = created["task_ids"][0];
  std::string sleep_id = created["task_ids"][1];

  // The echo task finishes; its history is read back from the store.
  json task;
  for (int i = 0; i < 100; ++i) {
    task = f.get("/v1/tasks/" + echo_id);
    if (task["state"] == "SUCCEEDED")
      break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK(task["state"] == "SUCCEEDED");
  CHECK(task["result"] == "hi");
  CHECK(task["history"].size() >= 2);

  // The sleeping one is cancelled while it runs; cancelling again is 409.
  auto cancelled = f.send("POST", "/v1/tasks/" + sleep_id + "/cancel", "", 200);
  CHECK(cancelled["state"] == "CANCELLED");
  auto again = f.send("POST", "/v1/tasks/" + sleep_id + "/cancel", "", 409);
  CHECK(again["detail"].get<std::string>().find("already ended CANCELLED") != std::string::npos);
  auto j = f.wait_finished(job);
  CHECK(j["counts"]["SUCCEEDED"] == 1);
  CHECK(j["counts"]["CANCELLED"] == 1);

  // A whole job of long tasks is cancelled: every task ends CANCELLED.
  auto second = f.send("POST", "/v1/jobs",
                       R"({"name":"long","tasks":[{"type":"sleep","payload":"60000","count":5}]})",
                       201);
  uint64_t job2 = second["job_id"];
  auto cj = f.send("POST", "/v1/jobs/" + std::to_string(job2) + "/cancel", "", 200);
  CHECK(cj["cancelled"] == 5);
  CHECK(f.wait_finished(job2)["counts"]["CANCELLED"] == 5);
  CHECK(f.get("/v1/jobs")["jobs"].size() == 2);

  // Unknown ids and bad bodies: 404 and 400 with a JSON error, nothing stored.
  CHECK(f.get("/v1/jobs/999", 404)["error"] == "unknown_job");
  CHECK(f.get("/v1/tasks/999", 404)["error"] == "unknown_task");
  f.send("POST", "/v1/jobs", R"({"name":"x","tasks":[{"type":"noop","bogus":1}]})", 400);
  CHECK(f.get("/v1/jobs")["jobs"].size() == 2);

  // Rules: a bad set is 422 with positions and changes nothing; a good one swaps.
  auto bad = f.send("PUT", "/v1/rules", "version: 2\nrules: 5\n", 422, "application/yaml");
  CHECK(bad["detail"].get<std::string>().find("<rest>:2:8:") != std::string::npos);
  CHECK(f.get("/v1/rules")["version"] == 0);
  f.send("PUT", "/v1/rules", "version: 7\ndefaults: { strategy: round_robin }\n", 200,
         "application/yaml");
  CHECK(f.get("/v1/rules")["version"] == 7);

  auto nodes = f.get("/v1/nodes")["nodes"];
  bool has_consumer = false;
  for (auto& n : nodes)
    has_consumer = has_consumer || (n["role"] == "consumer" && n["state"] == "up");
  CHECK(has_consumer);

  auto res = f.http->Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("drover_tasks{state=\"cancelled\"} 6") != std::string::npos);
  CHECK(res->body.find("drover_ack_latency_seconds_count 1") != std::string::npos);
  CHECK(res->body.find("drover_cancelled_total 6") != std::string::npos);
  bool producer_active = false;
  for (auto& n : nodes)
    producer_active = producer_active || (n["role"] == "producer" && n["active"] == true);
  CHECK(producer_active); // the process's own producer is its group's active one
}

TEST_CASE("a token guards /v1 but not /healthz, a body over --max-body is 413") {
  api_fixture f({"--token=s3cret", "--max-body=1k"});
  CHECK(f.get("/healthz")["status"] == "ok");
  f.get("/v1/jobs", 401);
  f.http->set_bearer_token_auth("s3cret");
  f.get("/v1/jobs", 200);
  std::string big = R"({"name":"big","tasks":[{"type":"echo","payload":")" + std::string(2000, 'x')
                    + R"("}]})";
  CHECK(f.send("POST", "/v1/jobs", big, 413)["error"] == "body_too_large");
  CHECK(f.get("/v1/jobs")["jobs"].empty()); // nothing stored
}

TEST_CASE("drover submit --wait and drover status against the server") {
  api_fixture f;
  child_process submit({DROVER_BINARY, "submit", "--tasks=2000", "--type=noop", "--wait",
                        "--server=" + f.server},
                       f.dir.path + "/submit");
  CHECK(submit.wait(30s) == 0);
  INFO(submit.out() << submit.err());
  CHECK(submit.out().find("2000 of 2000 succeeded") != std::string::npos);
  child_process status({DROVER_BINARY, "status", "1", "--json", "--server=" + f.server},
                       f.dir.path + "/status");
  CHECK(status.wait(10s) == 0);
  auto j = json::parse(status.out(), nullptr, false);
  CHECK(j["counts"]["SUCCEEDED"] == 2000);
}

} // TEST_SUITE
