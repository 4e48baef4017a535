// Remote workers over HTTP against a real `drover run` (registry + manager
// only, so no built-in consumer takes the tasks) and real Python workers
// (workers/python/drover_http_worker.py driven by tests/support/http_worker.py):
// 10,000 tasks exactly once; a SIGKILLed worker's 50 tasks complete
// elsewhere after the grace and its replayed completions get 409; cancel
// through the heartbeat; an empty poll returns after wait_ms; 100 idle
// pollers hold no thread; bad input is a 4xx naming the problem.
#include "support/http_workers.hpp"


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

TEST_CASE("a task its worker stops heartbeating goes back after its lease and the grace, though the worker polls on") {
  worker_node n{{"--grace=500"}};
  auto job = submit_job(n.http(), job_of("e", 2));
  auto poll = [&](uint32_t wait_ms) {
    return post(n.http(), "/v1/workers/poll",
                json{{"worker", "forgetful"}, {"types", {"e"}}, {"max", 2}, {"wait_ms", wait_ms},
                     {"lease_ms", 1000}, {"capacity", 2}});
  };
  auto first = poll(5000);
  REQUIRE(first.body["tasks"].size() == 2);
  auto handed = clock_type::now();
  auto kept = first.body["tasks"][0], dropped = first.body["tasks"][1];
  auto kept_id = kept["id"].get<std::string>(), dropped_id = dropped["id"].get<std::string>();
  // It beats the one task and keeps polling, so it stays a live member.
  json again;
  auto until = clock_type::now() + 15s;
  while (again.is_null() && clock_type::now() < until) {
    REQUIRE(post(n.http(), "/v1/tasks/" + kept_id + "/heartbeat", json{{"lease", kept["lease"]}})
              .status == 200);
    auto p = poll(200);
    if (!p.body["tasks"].empty())
      again = p.body["tasks"][0];
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - handed);
  MESSAGE("the task not heartbeaten came back " << took.count() << " ms after it was handed out");
  REQUIRE_FALSE(again.is_null());
  CHECK(took >= 1400ms); // lease 1000 ms + grace 500 ms, less the clocks' granularity
  CHECK(again["id"] == dropped_id);
  CHECK(again["lease"].get<uint64_t>() > dropped["lease"].get<uint64_t>());
  CHECK(again["attempt"] == 1); // moved, as from a lost consumer: not a failed attempt
  CHECK(find_node(n.http(), "forgetful")["state"] != "lost");
  // The old lease is fenced; the kept task and the new lease complete.
  CHECK(post(n.http(), "/v1/tasks/" + dropped_id + "/heartbeat", json{{"lease", dropped["lease"]}})
          .status == 409);
  CHECK(post(n.http(), "/v1/tasks/" + dropped_id + "/complete",
             json{{"lease", dropped["lease"]}, {"result", "late"}})
          .status == 409);
  CHECK(post(n.http(), "/v1/tasks/" + kept_id + "/complete",
             json{{"lease", kept["lease"]}, {"result", "kept"}})
          .status == 200);
  CHECK(post(n.http(), "/v1/tasks/" + dropped_id + "/complete",
             json{{"lease", again["lease"]}, {"result", "again"}})
          .status == 200);
  auto done = wait_job(n.http(), job["job_id"], 10s);
  CHECK(done["counts"]["SUCCEEDED"] == 2);
  auto task = get_json(n.http(), "/v1/tasks/" + dropped_id);
  CHECK(task["result"] == "again");
  CHECK(task.dump().find("its lease expired without a heartbeat") != std::string::npos);
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
    auto all = get_json(n.http(), "/v1/workers"); // kept: a range over a temporary's member dangles
    for (auto& w : all["workers"])
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

} // TEST_SUITE
