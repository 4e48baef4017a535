// Remote workers over HTTP against a real `drover run` (registry + manager
// only, so no built-in consumer takes the tasks) and real Python workers
// (workers/python/drover_http_worker.py driven by tests/support/http_worker.py):
// 10,000 tasks exactly once; a SIGKILLed worker's 50 tasks complete
// elsewhere after the grace and its replayed completions get 409; cancel
// through the heartbeat; an empty poll returns after wait_ms; 100 idle
// pollers hold no thread; bad input is a 4xx naming the problem.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/exec_node.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

const std::string src = DROVER_SOURCE_DIR;
using clock_type = std::chrono::steady_clock;

struct posted {
  int status = 0;
  json body;
};

posted post(httplib::Client& http, const std::string& path, const std::string& body) {
  auto res = http.Post(path.c_str(), body, "application/json");
  REQUIRE(res);
  posted out{res->status, json::parse(res->body, nullptr, false)};
  INFO(path << " " << body << " -> " << res->status << " " << res->body);
  REQUIRE_FALSE(out.body.is_discarded());
  return out;
}

posted post(httplib::Client& http, const std::string& path, const json& body) {
  return post(http, path, body.dump());
}

/// A manager with REST and no consumer of its own.
struct worker_node {
  scratch_dir dir;
  rest_node node;
  explicit worker_node(std::vector<std::string> extra = {})
    : node(args(std::move(extra)), dir.path + "/node") {}
  static std::vector<std::string> args(std::vector<std::string> extra) {
    std::vector<std::string> a{"--role=registry,manager", "--store=memory"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  httplib::Client& http() { return *node.http; }
};

/// A Python worker process; its record file lists what it ran.
struct py_worker {
  std::string record;
  std::unique_ptr<child_process> proc;
  py_worker(worker_node& n, const std::string& name, std::vector<std::string> extra = {}) {
    record = n.dir.path + "/" + name + ".record";
    std::vector<std::string> argv{"python3", src + "/tests/support/http_worker.py",
                                  "--server=" + n.node.url(), "--worker=" + name,
                                  "--record=" + record};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<child_process>(argv, n.dir.path + "/" + name);
  }
  std::vector<std::string> lines() const {
    std::ifstream in(record);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
      if (!line.empty())
        out.push_back(line);
    return out;
  }
  /// Waits until the record has `n` lines; REQUIREs it within `limit`.
  void wait_lines(size_t n, std::chrono::milliseconds limit) const {
    auto until = clock_type::now() + limit;
    while (lines().size() < n && clock_type::now() < until)
      std::this_thread::sleep_for(20ms);
    INFO(proc->err());
    REQUIRE(lines().size() >= n);
  }
};

json job_of(const std::string& type, uint64_t count, const std::string& payload = "x") {
  return json{{"name", type}, {"tasks", json::array({{{"type", type}, {"payload", payload},
                                                       {"count", count}}})}};
}

json find_node(httplib::Client& http, const std::string& name) {
  for (auto& n : get_json(http, "/v1/nodes"))
    if (n.value("node", "") == name)
      return n;
  return json{};
}

/// Waits until GET /v1/nodes lists `name`; REQUIREs it.
json wait_node(httplib::Client& http, const std::string& name, std::chrono::milliseconds limit) {
  auto until = clock_type::now() + limit;
  json n;
  while ((n = find_node(http, name)).is_null() && clock_type::now() < until)
    std::this_thread::sleep_for(20ms);
  REQUIRE_FALSE(n.is_null());
  return n;
}

/// The task's one lease as a worker polling with `types` sees it.
json poll_one(httplib::Client& http, const std::string& worker, const std::string& type,
              uint32_t wait_ms = 5000) {
  auto p = post(http, "/v1/workers/poll",
                json{{"worker", worker}, {"types", {type}}, {"max", 1}, {"wait_ms", wait_ms},
                     {"lease_ms", 3000}});
  REQUIRE(p.status == 200);
  REQUIRE(p.body["tasks"].size() == 1);
  return p.body["tasks"][0];
}

} // namespace

TEST_SUITE("http_workers") {

TEST_CASE("10,000 tasks run exactly once on two Python HTTP workers") {
  worker_node n;
  py_worker a{n, "wa", {"--concurrency=8"}};
  py_worker b{n, "wb", {"--concurrency=8"}};
  wait_node(n.http(), "wa", 10s);
  wait_node(n.http(), "wb", 10s);
  auto job = submit_job(n.http(), job_of("t", 10'000));
  auto done = wait_job(n.http(), job["job_id"], 120s);
  CHECK(done["counts"]["SUCCEEDED"] == 10'000);
  a.proc->signal(SIGTERM);
  b.proc->signal(SIGTERM);
  CHECK(a.proc->wait(20s) == 0);
  CHECK(b.proc->wait(20s) == 0);
  std::set<std::string> ids;
  size_t runs = 0;
  for (auto* w : {&a, &b})
    for (auto& line : w->lines()) {
      ++runs;
      ids.insert(line.substr(0, line.find(' ')));
    }
  CHECK(runs == 10'000); // every task ran, none twice
  CHECK(ids.size() == 10'000);
  CHECK(a.lines().size() > 0); // both took a share
  CHECK(b.lines().size() > 0);
  // The manager applied every result: what the workers counted agrees.
  uint64_t completed = 0;
  for (auto* w : {&a, &b}) {
    auto out = w->proc->out();
    auto at = out.find("completed ");
    REQUIRE(at != std::string::npos);
    completed += std::stoull(out.substr(at + 10));
    CHECK(out.find("stale 0") != std::string::npos);
  }
  CHECK(completed == 10'000);
}

TEST_CASE("a SIGKILLed worker holding 50 tasks: they complete elsewhere after the grace, its late completions get 409") {
  worker_node n{{"--grace=1000"}};
  py_worker dead{n, "doomed", {"--mode=hold", "--concurrency=64", "--lease-ms=1500"}};
  wait_node(n.http(), "doomed", 10s);
  auto job = submit_job(n.http(), job_of("t", 50));
  dead.wait_lines(50, 20s);
  auto held = dead.lines();
  CHECK(find_node(n.http(), "doomed")["inflight"] == 50);
  CHECK(find_node(n.http(), "doomed")["role"] == "worker");
  dead.proc->signal(SIGKILL);
  (void)dead.proc->wait(5s);
  auto killed_at = clock_type::now();
  py_worker heir{n, "heir", {"--concurrency=8"}};
  auto done = wait_job(n.http(), job["job_id"], 30s);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - killed_at);
  MESSAGE("the 50 tasks moved and completed " << took.count() << " ms after the SIGKILL (lease 1500 ms + grace 1000 ms)");
  // Not before its lease ran out (1500 ms after its last request, at most
  // ~500 ms before the kill: it heartbeats every 500 ms) and the grace passed.
  CHECK(took >= 1500ms);
  CHECK(done["counts"]["SUCCEEDED"] == 50);
  CHECK(heir.lines().size() == 50);
  // Every task's result is the heir's.
  for (auto& line : held) {
    auto id = line.substr(0, line.find(' '));
    CHECK(get_json(n.http(), "/v1/tasks/" + id)["result"] == "heir");
  }
  // Replay the dead worker's completions: each one is 409, nothing changes.
  json batch = json::array();
  for (auto& line : held) {
    std::istringstream in(line);
    std::string id;
    uint64_t lease = 0;
    in >> id >> lease;
    batch.push_back({{"id", id}, {"lease", lease}, {"result", "late"}});
  }
  auto replay = post(n.http(), "/v1/tasks/complete", json{{"results", batch}});
  REQUIRE(replay.status == 200);
  REQUIRE(replay.body["results"].size() == 50);
  for (auto& r : replay.body["results"])
    CHECK(r["status"] == 409);
  auto first = batch[0];
  auto single = post(n.http(), "/v1/tasks/" + first["id"].get<std::string>() + "/complete",
                     json{{"lease", first["lease"]}, {"result", "late"}});
  CHECK(single.status == 409);
  CHECK(single.body["error"] == "stale_version");
  auto fail = post(n.http(), "/v1/tasks/" + first["id"].get<std::string>() + "/fail",
                   json{{"lease", first["lease"]},
                        {"error", {{"type", "X"}, {"message", "late"}, {"retryable", false}}}});
  CHECK(fail.status == 409);
  CHECK(get_json(n.http(), "/v1/tasks/" + first["id"].get<std::string>())["result"] == "heir");
  CHECK(get_json(n.http(), "/v1/jobs/" + std::to_string(job["job_id"].get<uint64_t>()))["counts"]["SUCCEEDED"] == 50);
}

TEST_CASE("cancel reaches an HTTP worker through its heartbeat, its completion then gets 409") {
  worker_node n;
  auto job = submit_job(n.http(), job_of("c", 1));
  auto t = poll_one(n.http(), "raw", "c");
  CHECK(t["heartbeat_ms"] == 1000);
  auto id = t["id"].get<std::string>();
  auto beat = post(n.http(), "/v1/tasks/" + id + "/heartbeat", json{{"lease", t["lease"]}});
  REQUIRE(beat.status == 200);
  CHECK(beat.body["cancel_requested"] == false);
  auto c = n.http().Post(("/v1/tasks/" + id + "/cancel").c_str(), "", "application/json");
  REQUIRE(c);
  REQUIRE(c->status == 200);
  beat = post(n.http(), "/v1/tasks/" + id + "/heartbeat", json{{"lease", t["lease"]}});
  REQUIRE(beat.status == 200);
  CHECK(beat.body["cancel_requested"] == true);
  auto late = post(n.http(), "/v1/tasks/" + id + "/complete",
                   json{{"lease", t["lease"]}, {"result", "too late"}});
  CHECK(late.status == 409);
  CHECK(get_json(n.http(), "/v1/tasks/" + id)["state"] == "CANCELLED");
  // After the verdict the lease is gone for heartbeats too.
  CHECK(post(n.http(), "/v1/tasks/" + id + "/heartbeat", json{{"lease", t["lease"]}}).status == 409);

  SUBCASE("the Python client sees it and stops the handler") {
    py_worker w{n, "slowpoke", {"--mode=slow", "--types=s", "--lease-ms=1500"}};
    auto j2 = submit_job(n.http(), job_of("s", 1));
    w.wait_lines(1, 15s); // started
    auto started = w.lines()[0];
    auto sid = started.substr(8, started.find(' ', 8) - 8);
    auto cc = n.http().Post(("/v1/tasks/" + sid + "/cancel").c_str(), "", "application/json");
    REQUIRE(cc);
    REQUIRE(cc->status == 200);
    w.wait_lines(2, 10s); // its heartbeat (every 500 ms) said cancel
    CHECK(w.lines()[1] == "cancelled " + sid);
    w.proc->signal(SIGTERM);
    CHECK(w.proc->wait(15s) == 0);
    CHECK(w.proc->out().find("completed 0 stale 1") != std::string::npos);
  }
}

TEST_CASE("a poll with nothing to do returns after wait_ms, empty, one with work at once") {
  worker_node n;
  auto t0 = clock_type::now();
  auto p = post(n.http(), "/v1/workers/poll",
                json{{"worker", "idle"}, {"types", {"none"}}, {"max", 8}, {"wait_ms", 400}});
  auto took = clock_type::now() - t0;
  CHECK(p.status == 200);
  CHECK(p.body["tasks"].empty());
  CHECK(took >= 400ms);
  CHECK(took < 10s); // answered by the hub's timer, not the server's fallback
  // A task submitted while the poll waits reaches it at once.
  std::atomic<bool> answered{false};
  posted got;
  std::thread poller([&] {
    httplib::Client c("127.0.0.1", n.node.http_port);
    c.set_read_timeout(30, 0);
    auto res = c.Post("/v1/workers/poll",
                      json{{"worker", "hot"}, {"types", {"hot"}}, {"max", 8}, {"wait_ms", 20000}}
                        .dump(),
                      "application/json");
    if (res)
      got = posted{res->status, json::parse(res->body, nullptr, false)};
    answered = true;
  });
  wait_node(n.http(), "hot", 10s);
  auto submitted = clock_type::now();
  submit_job(n.http(), job_of("hot", 3, "payload-1"));
  poller.join();
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - submitted);
  MESSAGE("a parked poll got its task " << latency.count() << " ms after the submit");
  CHECK(latency < 10s); // far below its 20 s wait: answered by the task, not the clock
  REQUIRE(got.status == 200);
  REQUIRE(got.body["tasks"].size() >= 1);
  auto& task = got.body["tasks"][0];
  CHECK(task["type"] == "hot");
  CHECK(task["payload"] == "payload-1");
  CHECK(task["attempt"] == 1);
  CHECK(task["lease"].get<uint64_t>() > 0);
  CHECK(task["lease_expires_ms"].get<int64_t>() > 0);
}

TEST_CASE("100 concurrent idle pollers hold no server thread") {
  worker_node n; // 8 route threads: far fewer than the parked polls
  constexpr int pollers = 100;
  std::atomic<int> served{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < pollers; ++i)
    ts.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", n.node.http_port);
      c.set_read_timeout(60, 0);
      auto res = c.Post("/v1/workers/poll",
                        json{{"worker", "idle" + std::to_string(i)}, {"types", {"nothing"}},
                             {"wait_ms", 30000}}
                          .dump(),
                        "application/json");
      if (res && res->status == 200 && !json::parse(res->body)["tasks"].empty())
        ++served;
    });
  // All 100 are parked (the hub knows each worker's poll) ...
  auto until = clock_type::now() + 20s;
  size_t parked = 0;
  while (clock_type::now() < until) {
    parked = 0;
    for (auto& w : get_json(n.http(), "/v1/workers")["workers"])
      parked += w["parked_polls"].get<size_t>();
    if (parked == pollers)
      break;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(parked == pollers);
  // ... and the route threads still serve others, work included; a stuck
  // server would answer only once the polls' 30 s ran out.
  auto t0 = clock_type::now();
  CHECK(get_json(n.http(), "/healthz")["status"] == "ok");
  submit_job(n.http(), job_of("live", 1));
  auto t = poll_one(n.http(), "busy", "live", 20000);
  auto r = post(n.http(), "/v1/tasks/" + t["id"].get<std::string>() + "/complete",
                json{{"lease", t["lease"]}, {"result", "ok"}});
  CHECK(r.status == 200);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
  MESSAGE("with 100 parked polls, healthz + submit + poll + complete took " << took.count() << " ms");
  CHECK(took < 15s);
  // Work for all of them (capacity 2 each): every parked poll is answered
  // with a task, long before its wait runs out.
  submit_job(n.http(), job_of("nothing", 2 * pollers));
  auto t1 = clock_type::now();
  for (auto& th : ts)
    th.join();
  CHECK(served == pollers);
  CHECK(clock_type::now() - t1 < 20s);
}

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
  // A body over the server's limit is refused before it is read.
  auto huge = n.http().Post("/v1/tasks/complete", std::string(17u << 20, ' '), "application/json");
  REQUIRE(huge);
  CHECK(huge->status == 413);
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
  child_process js({"node", src + "/examples/http_worker/worker.js", "--server=" + n.node.url(),
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
