// Remote workers over HTTP, continued: membership and rules, bad input,
// and the Node.js client, against a real `drover run`.
#include "support/http_workers.hpp"
#include "support/raw_http.hpp"

TEST_SUITE("http_workers") {

TEST_CASE("HTTP workers are members: nodes, workers, rules by tags") {
  worker_node n;
  auto p = post(n.http(), "/v1/workers/poll",
                json{{"worker", "gpu1"}, {"types", {"render", "blur"}}, {"tags", {"gpu"}},
                     {"capacity", 4}});
  REQUIRE(p.status == 200);
  auto node = wait_node(n.http(), "gpu1", 10s);
  CHECK(node["role"] == "worker");
  CHECK(node["types"] == json::array({"blur", "render"}));
  CHECK(node["tags"] == json::array({"gpu"}));
  CHECK(node["capacity"] == 4);
  auto ws = get_json(n.http(), "/v1/workers")["workers"];
  REQUIRE(ws.size() == 1);
  CHECK(ws[0]["worker"] == "gpu1");
  CHECK(ws[0]["last_poll_ms"].get<int64_t>() > 0);
  CHECK(ws[0]["state"] == "up");
  // A task that needs a tag only the other worker has never reaches this one.
  (void)post(n.http(), "/v1/workers/poll", json{{"worker", "cpu1"}, {"types", {"render"}}});
  wait_node(n.http(), "cpu1", 10s);
  // /metrics counts them as workers, not as consumers.
  std::string metrics;
  auto until = clock_type::now() + 10s;
  do {
    auto res = n.http().Get("/metrics");
    REQUIRE(res);
    metrics = res->body;
  } while (metrics.find("drover_members{role=\"worker\"} 2") == std::string::npos
           && clock_type::now() < until && (std::this_thread::sleep_for(20ms), true));
  CHECK(metrics.find("drover_members{role=\"worker\"} 2") != std::string::npos);
  CHECK(metrics.find("drover_members{role=\"consumer\"} 0") != std::string::npos);
  auto job = submit_job(n.http(), json{{"name", "r"}, {"tasks", json::array({{{"type", "render"},
                                                                              {"tags", {"gpu"}},
                                                                              {"count", 3}}})}});
  auto none = post(n.http(), "/v1/workers/poll",
                   json{{"worker", "cpu1"}, {"types", {"render"}}, {"max", 8}, {"wait_ms", 300}});
  CHECK(none.body["tasks"].empty());
  auto got = post(n.http(), "/v1/workers/poll",
                  json{{"worker", "gpu1"}, {"types", {"render", "blur"}}, {"tags", {"gpu"}},
                       {"max", 8}, {"wait_ms", 5000}, {"capacity", 4}});
  CHECK(got.body["tasks"].size() >= 1);
  (void)job;
}

TEST_CASE("bad input to the worker endpoints is a 4xx naming the problem, nothing changes") {
  worker_node n;
  auto job = submit_job(n.http(), job_of("b", 1));
  auto t = poll_one(n.http(), "wb", "b");
  auto id = t["id"].get<std::string>();
  auto lease = t["lease"].get<uint64_t>();
  struct bad {
    std::string path, body, names;
    int status;
  };
  std::vector<bad> cases{
    {"/v1/workers/poll", "not json", "not valid JSON", 400},
    {"/v1/workers/poll", "[]", "JSON object", 400},
    {"/v1/workers/poll", R"({"types":["b"]})", "worker", 400},
    {"/v1/workers/poll", R"({"worker":"w"})", "types", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":[]})", "types", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":[""]})", "types[0]", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":["b"],"max":-1})", "max", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":["b"],"max":0})", "max", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":["b"],"max":100000})", "max", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":["b"],"wait_ms":60001})", "wait_ms", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":["b"],"wait_ms":1e9})", "wait_ms", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":["b"],"lease_ms":5})", "lease_ms", 400},
    {"/v1/workers/poll", R"({"worker":"w","types":["b"],"mystery":1})", "mystery", 400},
    {"/v1/workers/poll", R"({"worker":"a\nb","types":["b"]})", "worker", 400},
    {"/v1/tasks/abc/complete", R"({"lease":1})", "abc", 400},
    {"/v1/tasks/" + id + "/complete", R"({"result":"x"})", "lease", 400},
    {"/v1/tasks/" + id + "/complete", R"({"lease":"7"})", "lease", 400},
    {"/v1/tasks/" + id + "/complete", R"({"lease":-3})", "lease", 400},
    {"/v1/tasks/" + id + "/fail", R"({"lease":1,"error":"boom"})", "error", 400},
    {"/v1/tasks/" + id + "/fail", R"({"lease":1,"error":{"retryable":"no"}})", "retryable", 400},
    {"/v1/tasks/" + id + "/heartbeat", R"({})", "lease", 400},
    {"/v1/tasks/complete", R"({"results":{}})", "results", 400},
    {"/v1/tasks/complete", R"({"results":[{"id":")" + id + R"(","lease":1},7]})", "results[1]", 400},
    {"/v1/tasks/complete", R"({"results":[{"lease":1}]})", "results[0].id", 400},
    {"/v1/tasks/" + id + "/complete", R"({"lease":999999})", "lease", 409},
    {"/v1/tasks/" + id + "/heartbeat", R"({"lease":999999})", "", 409},
    {"/v1/tasks/424242/complete", R"({"lease":1})", "", 409},
  };
  for (auto& c : cases) {
    auto r = post(n.http(), c.path, c.body);
    INFO(c.path << " " << c.body << " -> " << r.body.dump());
    CHECK(r.status == c.status);
    CHECK(r.body.contains("error"));
    CHECK(r.body.value("detail", "").find(c.names) != std::string::npos);
  }
  // A body over the server's limit is refused from its Content-Length,
  // before it is read: the head alone gets the 413.
  auto huge = exchange(n.node.http_port,
                       "POST /v1/tasks/complete HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: "
                         + std::to_string(17u << 20) + "\r\n\r\n",
                       false);
  INFO(huge);
  CHECK(huge.rfind("HTTP/1.1 413", 0) == 0);
  // Nothing of that changed the task: still leased as before, and it completes.
  auto beat = post(n.http(), "/v1/tasks/" + id + "/heartbeat", json{{"lease", lease}});
  CHECK(beat.status == 200);
  auto ok = post(n.http(), "/v1/tasks/" + id + "/complete", json{{"lease", lease}, {"result", "fine"}});
  CHECK(ok.status == 200);
  auto again = post(n.http(), "/v1/tasks/" + id + "/complete", json{{"lease", lease}, {"result", "twice"}});
  CHECK(again.status == 409); // a second completion of one lease is stale
  CHECK(get_json(n.http(), "/v1/tasks/" + id)["result"] == "fine");
  CHECK(wait_job(n.http(), job["job_id"], 10s)["counts"]["SUCCEEDED"] == 1);
}

TEST_CASE("the Node.js client and example run tasks against a real manager") {
  worker_node n;
  child_process js({"/usr/bin/node", src + "/examples/http_worker/worker.js", "--server=" + n.node.url(),
                    "--worker=js1", "--wait-ms=1000"},
                   n.dir.path + "/js1");
  wait_node(n.http(), "js1", 10s);
  auto job = submit_job(n.http(), job_of("wc", 200, "the quick brown fox"));
  auto done = wait_job(n.http(), job["job_id"], 30s);
  CHECK(done["counts"]["SUCCEEDED"] == 200);
  auto first = job["task_ids"][0].get<std::string>();
  CHECK(get_json(n.http(), "/v1/tasks/" + first)["result"] == "4");
  auto empty = submit_job(n.http(), job_of("wc", 1, "   "));
  auto failed = wait_job(n.http(), empty["job_id"], 30s);
  CHECK(failed["counts"]["FAILED"] == 1); // PermanentError: no retry
  js.signal(SIGTERM);
  CHECK(js.wait(15s) == 0);
  CHECK(js.err().find("completed 201, stale 0") != std::string::npos);
}

} // TEST_SUITE

TEST_CASE("hash routing keeps each key on one HTTP worker while it lives") {
  scratch_dir rules_dir;
  auto rules = rules_dir.path + "/rules.yaml";
  std::ofstream(rules) << "version: 1\nrules:\n  - name: per-key\n    match: { type: d }\n"
                          "    strategy: hash\n    key: key\n";
  worker_node n{{"--rules=" + rules}};
  for (auto w : {"h1", "h2"})
    (void)post(n.http(), "/v1/workers/poll",
               json{{"worker", w}, {"types", {"d"}}, {"capacity", 100}});
  wait_node(n.http(), "h1", 10s);
  wait_node(n.http(), "h2", 10s);
  json tasks = json::array();
  for (int k = 0; k < 10; ++k)
    tasks.push_back({{"type", "d"}, {"key", "user-" + std::to_string(k)},
                     {"payload", "user-" + std::to_string(k)}, {"count", 4}});
  auto job = submit_job(n.http(), json{{"name", "keys"}, {"tasks", tasks}});
  std::map<std::string, std::set<std::string>> workers_of; // key -> the workers it reached
  size_t seen = 0;
  auto until = clock_type::now() + 30s;
  while (seen < 40 && clock_type::now() < until)
    for (auto w : {"h1", "h2"}) {
      auto got = post(n.http(), "/v1/workers/poll",
                      json{{"worker", w}, {"types", {"d"}}, {"max", 64}, {"wait_ms", 100},
                           {"capacity", 100}});
      json done = json::array();
      for (auto& t : got.body["tasks"]) {
        workers_of[t["payload"].get<std::string>()].insert(w);
        done.push_back({{"id", t["id"]}, {"lease", t["lease"]}, {"result", w}});
        ++seen;
      }
      if (!done.empty())
        REQUIRE(post(n.http(), "/v1/tasks/complete", json{{"results", done}}).status == 200);
    }
  CHECK(seen == 40);
  CHECK(workers_of.size() == 10);
  std::set<std::string> used;
  for (auto& [key, ws] : workers_of) {
    INFO(key);
    CHECK(ws.size() == 1); // every task of a key on the same worker
    used.insert(ws.begin(), ws.end());
  }
  CHECK(used.size() == 2); // and the keys spread over both
  CHECK(wait_job(n.http(), job["job_id"], 10s)["counts"]["SUCCEEDED"] == 40);
}
