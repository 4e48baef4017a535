// Against real `drover run` processes over REST: consumers announce their
// task types (GET /v1/nodes); a task whose type no live consumer runs waits
// with its reason in job status and /metrics, and `drover submit` warns;
// tasks wait while no consumer is registered and run once one joins; JSON
// payloads reach handlers as JSON text; GET /v1/jobs/{id}/tasks, `drover
// results` and `drover submit --wait` show finished tasks (read from the
// store) with their results and errors. Every wait is bounded.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/rest_node.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct node_fixture {
  scratch_dir dir;
  rest_node rest;

  explicit node_fixture(std::vector<std::string> args)
    : rest(with_store(std::move(args)), dir.path + "/node") {}

  ~node_fixture() {
    rest.proc->signal(SIGTERM);
    rest.proc->wait(10s);
  }

  std::vector<std::string> with_store(std::vector<std::string> args) {
    args.push_back("--store=sqlite:" + dir.path + "/d.db");
    return args;
  }

  json get(const std::string& path, int want = 200) {
    auto res = rest.http->Get(path.c_str());
    REQUIRE(res);
    INFO(path << " -> " << res->body);
    CHECK(res->status == want);
    return json::parse(res->body, nullptr, false);
  }

  json post_job(const std::string& body) {
    auto res = rest.http->Post("/v1/jobs", body, "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 201);
    return json::parse(res->body);
  }

  /// Polls GET /v1/jobs/{id} (at most 15 s) until `done(job)`.
  template <class Done>
  json poll_job(uint64_t id, Done done) {
    json j;
    for (int i = 0; i < 300; ++i) {
      j = get("/v1/jobs/" + std::to_string(id));
      if (done(j))
        break;
      std::this_thread::sleep_for(50ms);
    }
    return j;
  }

  /// Runs the drover client with `args` (and --server); returns its exit code.
  int client(std::vector<std::string> args, std::string& out, std::string& err,
             const std::string& name) {
    args.insert(args.begin(), DROVER_BINARY);
    args.push_back("--server=" + rest.url());
    child_process c(args, dir.path + "/" + name);
    int code = c.wait(30s);
    out = c.out();
    err = c.err();
    return code;
  }
};

std::string metrics_of(node_fixture& f) {
  auto res = f.rest.http->Get("/metrics");
  REQUIRE(res);
  return res->body;
}

} // namespace

TEST_SUITE("http: task types and a job's tasks") {

TEST_CASE("a type no live consumer runs waits with its reason, JSON payloads arrive as JSON text") {
  node_fixture f({});
  // The process's consumer announces the built-in types when it registers.
  json consumer;
  for (int i = 0; i < 200 && !consumer.is_object(); ++i) {
    auto nodes = f.get("/v1/nodes")["nodes"]; // a copy: get() returns a temporary
    for (auto& n : nodes)
      if (n["role"] == "consumer" && n["state"] == "up")
        consumer = n;
    if (!consumer.is_object())
      std::this_thread::sleep_for(50ms);
  }
  REQUIRE(consumer.is_object());
  CHECK(consumer["types"] == json::array({"burn", "echo", "fail", "noop", "sleep"}));

  auto created = f.post_job(R"({"name": "thumbs", "tasks": [
    {"type": "resize", "payload": {"path": "/a.png"}},
    {"type": "echo", "payload": {"path": "/a.png", "sizes": [64, 128], "crop": false}}]})");
  uint64_t id = created["job_id"];
  auto j = f.poll_job(id, [](const json& j) { return j["counts"]["SUCCEEDED"] == 1; });
  CHECK(j["counts"]["SUCCEEDED"] == 1);
  CHECK(j["counts"]["PENDING"] == 1);
  CHECK(j["unassignable"] == 1);
  REQUIRE(j["waiting"].size() == 1);
  CHECK(j["waiting"][0]["reason"] == "no live consumer runs type 'resize'");
  CHECK(j["waiting"][0]["why"] == "no_type");
  CHECK(j["waiting"][0]["tasks"] == 1);
  CHECK(metrics_of(f).find("drover_unassignable_tasks{reason=\"no_type\",type=\"resize\","
                           "detail=\"\"} 1\n") != std::string::npos);

  // A payload nested a million deep is refused; the server stays up.
  auto deep = R"({"name": "deep", "tasks": [{"type": "echo", "payload": )"
              + std::string(1'000'000, '[') + std::string(1'000'000, ']') + "}]}";
  auto refused = f.rest.http->Post("/v1/jobs", deep, "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(refused->body.find("nested more than 100 levels") != std::string::npos);
  CHECK(f.get("/healthz")["status"] == "ok");

  // The echo handler got the payload as JSON text, key order kept.
  auto echoed = f.get("/v1/tasks/" + created["task_ids"][1].get<std::string>());
  CHECK(echoed["result"] == R"({"path":"/a.png","sizes":[64,128],"crop":false})");
  CHECK(echoed["payload"] == echoed["result"]);

  // `drover status` says why; `drover submit` warns and still submits.
  std::string out, err;
  CHECK(f.client({"status", std::to_string(id)}, out, err, "status") == 0);
  CHECK(out.find("waiting    1 task: no live consumer runs type 'resize'") != std::string::npos);
  CHECK(f.client({"submit", "--tasks=2", "--type=resize"}, out, err, "submit") == 0);
  CHECK(err.find("warning: no live consumer runs type 'resize'") != std::string::npos);
  CHECK(f.get("/v1/jobs/2")["unassignable"] == 2);
  CHECK(f.client({"submit", "--tasks=1", "--type=echo"}, out, err, "submit2") == 0);
  CHECK(err.find("warning") == std::string::npos);
  CHECK(metrics_of(f).find("type=\"resize\",detail=\"\"} 3\n") != std::string::npos);
}

TEST_CASE("tasks wait while no consumer is registered and run once one joins") {
  node_fixture f({"--role=registry,manager"});
  REQUIRE(f.rest.registry_port != 0);
  auto created = f.post_job(R"({"name": "later", "tasks": [{"type": "echo", "count": 20}]})");
  uint64_t id = created["job_id"];
  auto j = f.get("/v1/jobs/" + std::to_string(id));
  CHECK(j["unassignable"] == 20);
  REQUIRE(j["waiting"].size() == 1);
  CHECK(j["waiting"][0]["why"] == "no_consumer");
  std::string out, err;
  CHECK(f.client({"submit", "--tasks=1", "--type=noop"}, out, err, "warn") == 0);
  CHECK(err.find("warning: no live consumer runs type 'noop'") != std::string::npos);

  child_process consumer({DROVER_BINARY, "run", "--role=consumer", "--threads=2",
                          "--registry=127.0.0.1:" + std::to_string(f.rest.registry_port),
                          "--node=late-consumer"},
                         f.dir.path + "/consumer");
  j = f.poll_job(id, [](const json& j) { return j["finished"] == true; });
  CHECK(j["counts"]["SUCCEEDED"] == 20);
  CHECK(j["unassignable"] == 0);
  CHECK(j["waiting"].empty());
  consumer.signal(SIGTERM);
  CHECK(consumer.wait(10s) >= 0);
}

TEST_CASE("finished tasks are listed from the store, drover results and submit --wait name failures") {
  node_fixture f({"--capacity=8"});
  auto created = f.post_job(R"({"name": "mixed", "tasks": [
    {"type": "echo", "payload": "ok", "count": 5},
    {"type": "fail", "payload": "9", "max_attempts": 2, "count": 3}]})");
  uint64_t id = created["job_id"];
  auto path = "/v1/jobs/" + std::to_string(id) + "/tasks";
  auto j = f.poll_job(id, [](const json& j) { return j["finished"] == true; });
  REQUIRE(j["finished"] == true);

  auto all = f.get(path);
  CHECK(all["total"] == 8);
  REQUIRE(all["tasks"].size() == 8);
  CHECK(all["tasks"][0]["id"] == created["task_ids"][0]);
  CHECK(all["tasks"][0]["result"] == "ok");
  CHECK(all["tasks"][7]["state"] == "FAILED");
  auto failed = f.get(path + "?state=failed&limit=2");
  CHECK(failed["total"] == 3);
  REQUIRE(failed["tasks"].size() == 2);
  CHECK(failed["tasks"][0]["id"] == created["task_ids"][5]);
  CHECK(failed["tasks"][0]["attempt"] == 2);
  CHECK(failed["tasks"][0]["error"] == "failing attempt 2 of the first 9 on purpose");
  auto rest = f.get(path + "?state=FAILED&offset=2");
  REQUIRE(rest["tasks"].size() == 1);
  CHECK(rest["tasks"][0]["id"] == created["task_ids"][7]);
  CHECK(f.get(path + "?state=nope", 400)["detail"].get<std::string>().rfind("state:", 0) == 0);
  CHECK(f.get(path + "?limit=5000", 400)["detail"].get<std::string>().rfind("limit:", 0) == 0);
  CHECK(f.get("/v1/jobs/999/tasks", 404)["error"] == "unknown_job");

  std::string out, err;
  CHECK(f.client({"results", std::to_string(id), "--state=FAILED"}, out, err, "results") == 0);
  INFO(out << err);
  CHECK(out.find(created["task_ids"][6].get<std::string>() + "  FAILED") != std::string::npos);
  CHECK(out.find("failing attempt 2 of the first 9 on purpose") != std::string::npos);
  CHECK(out.find("3 of 3 tasks in state FAILED") != std::string::npos);
  CHECK(f.client({"results", std::to_string(id), "--json", "--limit=0"}, out, err, "lines") == 0);
  std::istringstream lines{out};
  std::string line;
  int n = 0;
  while (std::getline(lines, line))
    n += json::parse(line)["id"].is_string() ? 1 : 0;
  CHECK(n == 8);

  std::ofstream{f.dir.path + "/many.json"}
    << R"({"name": "bad", "tasks": [{"type": "fail", "payload": "1", "count": 25}]})";
  CHECK(f.client({"submit", f.dir.path + "/many.json", "--wait", "--interval=50"}, out, err,
                 "wait") == 1);
  CHECK(out.find("finished: 0 of 25 succeeded") != std::string::npos);
  CHECK(out.find("tasks that did not succeed (25):") != std::string::npos);
  CHECK(out.find("failing attempt 1 of the first 1 on purpose") != std::string::npos);
  CHECK(out.find("and 5 more: drover results 2 --state=FAILED") != std::string::npos);
}

} // TEST_SUITE
