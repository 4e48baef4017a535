// Restarts change nothing, with real processes: the two failure recipes of
// a job stored twice (producer failover A -> B -> A; manager SIGKILLed
// mid-push and restarted with the producer), members that outlive their
// manager, and a push cut short that is sealed over the CLI. Every wait is
// on a --ready-file, REST or the store; every bound is explicit.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/chaos_cluster.hpp"
#include "support/db_query.hpp"
#include "support/restart_procs.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

bool producer_active(manager_proc& m, const std::string& node) {
  auto nodes = m.get("/v1/nodes");
  if (!nodes.is_object())
    return false;
  for (auto& n : nodes["nodes"])
    if (n.value("node", "") == node && n.value("role", "") == "producer")
      return n.value("active", false);
  return false;
}

} // namespace

TEST_SUITE("survive restarts") {

TEST_CASE("producer failover A -> B -> A stores the job once") {
  scratch_dir dir;
  manager_proc m(dir.path);
  REQUIRE(m.start());
  auto c1 = member(dir.path, "c1", {"--role=consumer", m.registry(), "--node=c1",
                                    "--capacity=4", "--threads=1"});
  std::vector<std::string> job{"--role=producer", m.registry(), "--group=g", "--job=nightly",
                               "--tasks=3000", "--type=sleep", "--payload=2", "--threads=1",
                               "--quiet"};
  auto with = [&](const char* node) {
    auto a = job;
    a.push_back(std::string{"--node="} + node);
    return a;
  };
  auto p1 = member(dir.path, "p1", with("p1"));
  REQUIRE(eventually([&] { return producer_active(m, "p1"); }, 10s));
  auto p2 = member(dir.path, "p2", with("p2"));
  REQUIRE(eventually([&] {
    auto j = m.get("/v1/jobs/1");
    return j.is_object() && j.value("sealed", false);
  }, 20s));
  p1->signal(SIGKILL);
  REQUIRE(p1->wait(5s) == 128 + SIGKILL);
  REQUIRE(eventually([&] { return producer_active(m, "p2"); }, 10s)); // after the grace
  auto p1_again = member(dir.path, "p1", with("p1")); // A again: stands by now
  INFO("p2: " << p2->err() << "\np1 again: " << p1_again->err());
  CHECK(p2->wait(60s) == 0);           // B finished the run...
  CHECK(p1_again->wait(30s) == 0);     // ...and A, active again, only reports it
  CHECK(p1_again->err().find("already stored whole") != std::string::npos);
  auto page = m.get("/v1/jobs?offset=0&limit=10");
  REQUIRE(page.is_object());
  CHECK(page["total"] == 1);
  CHECK(query_int(m.db, "SELECT count(*) FROM jobs") == 1);
  CHECK(query_int(m.db, "SELECT count(*) FROM tasks") == 3000);
  CHECK(query_int(m.db, "SELECT count(*) FROM tasks WHERE state=3") == 3000);
  CHECK(c1->running());
}

TEST_CASE("a manager SIGKILLed mid-push: the restarted producer pushes only the missing lists") {
  scratch_dir dir;
  // A small queue bound keeps the push going for the whole job.
  manager_proc m(dir.path, {"--queues=normal:3000,standby:0"});
  REQUIRE(m.start());
  auto c1 = member(dir.path, "c1", {"--role=consumer", m.registry(), "--node=c1",
                                    "--capacity=32", "--threads=1"});
  std::vector<std::string> job{"--role=producer", m.registry(), "--node=p1", "--group=g",
                               "--job=big", "--tasks=20000", "--list-size=1000",
                               "--type=sleep", "--payload=5", "--threads=1", "--quiet"};
  auto p1 = member(dir.path, "p1", job);
  REQUIRE(eventually([&] { return query_int(m.db, "SELECT count(*) FROM task_lists") >= 4; },
                     30s));
  m.proc->signal(SIGKILL);
  REQUIRE(m.proc->wait(5s) == 128 + SIGKILL);
  auto stored = query_int(m.db, "SELECT count(*) FROM task_lists");
  CHECK(stored < 20); // the kill landed mid-push
  CHECK(query_int(m.db, "SELECT sealed FROM jobs") == 0);
  p1->signal(SIGKILL); // the recipe restarts the producer too
  REQUIRE(p1->wait(5s) == 128 + SIGKILL);
  REQUIRE(m.start());
  auto p1_again = member(dir.path, "p1", job);
  INFO("p1: " << p1_again->err() << "\nmanager: " << m.proc->err());
  CHECK(p1_again->wait(120s) == 0);
  CHECK(p1_again->err().find("already stored") != std::string::npos);
  CHECK(query_int(m.db, "SELECT count(*) FROM jobs") == 1);
  CHECK(query_int(m.db, "SELECT total FROM jobs") == 20000);
  CHECK(query_int(m.db, "SELECT count(*) FROM tasks") == 20000);
  CHECK(query_int(m.db, "SELECT count(*) FROM task_lists") == 20);
  CHECK(query_int(m.db, "SELECT count(*) FROM tasks WHERE state=3") == 20000);
  CHECK(c1->running()); // the consumer outlived its manager
  stop_cleanly({c1.get()});
}

TEST_CASE("members outlive a restarted manager: nothing exits, the job completes once") {
  scratch_dir dir;
  manager_proc m(dir.path);
  REQUIRE(m.start());
  auto c1 = member(dir.path, "c1", {"--role=consumer", m.registry(), "--node=c1",
                                    "--capacity=16", "--threads=1"});
  auto c2 = member(dir.path, "c2", {"--role=consumer", m.registry(), "--node=c2",
                                    "--capacity=16", "--threads=1"});
  auto p1 = member(dir.path, "p1", {"--role=producer", m.registry(), "--node=p1",
                                    "--tasks=2000", "--type=sleep", "--payload=20",
                                    "--threads=1", "--quiet"});
  REQUIRE(eventually([&] {
    return query_int(m.db, "SELECT count(*) FROM tasks WHERE state=3") >= 300;
  }, 30s));
  auto t_kill = std::chrono::steady_clock::now();
  m.proc->signal(SIGKILL);
  REQUIRE(m.proc->wait(5s) == 128 + SIGKILL);
  std::this_thread::sleep_for(500ms); // members keep running and keep their results
  CHECK(c1->running());
  CHECK(c2->running());
  CHECK(p1->running());
  REQUIRE(m.start());
  auto t_up = std::chrono::steady_clock::now();
  // Both consumers are back (registered with the new manager) soon after.
  REQUIRE(eventually([&] {
    auto nodes = m.get("/v1/nodes");
    int up = 0;
    if (nodes.is_object())
      for (auto& n : nodes["nodes"])
        up += n.value("role", "") == "consumer" && n.value("state", "") == "up";
    return up == 2;
  }, 10s));
  auto back = std::chrono::steady_clock::now();
  MESSAGE(fmt::format("manager down {:.0f} ms; consumers back {:.0f} ms after it was ready",
                      std::chrono::duration<double, std::milli>(t_up - t_kill).count(),
                      std::chrono::duration<double, std::milli>(back - t_up).count()));
  INFO("p1: " << p1->err() << "\nc1: " << c1->err() << "\nmanager: " << m.proc->err());
  CHECK(p1->wait(60s) == 0);
  CHECK(query_int(m.db, "SELECT count(*) FROM jobs") == 1);
  CHECK(query_int(m.db, "SELECT count(*) FROM tasks WHERE state=3") == 2000);
  CHECK(query_int(m.db, "SELECT count(*) FROM (SELECT task FROM events WHERE kind=4 "
                        "GROUP BY task HAVING count(*) > 1)") == 0);
  // Leases came back: the restart moved only what no consumer reported.
  CHECK(m.proc->err().find("reported") != std::string::npos);
  stop_cleanly({c1.get(), c2.get()});
}

TEST_CASE("a registry in its own process restarts: manager and members find it again") {
  scratch_dir dir;
  auto port = free_port();
  auto listen = fmt::format("--listen=127.0.0.1:{}", port);
  auto registry_flag = fmt::format("--registry=127.0.0.1:{}", port);
  auto reg = member(dir.path, "registry", {"--role=registry", listen, "--threads=1"});
  auto db = dir.path + "/m.db";
  auto mgr = member(dir.path, "manager", {"--role=manager", registry_flag, "--http=off",
                                          "--store=sqlite:" + db, "--threads=2"});
  auto c1 = member(dir.path, "c1", {"--role=consumer", registry_flag, "--node=c1",
                                    "--capacity=16", "--threads=1"});
  auto p1 = member(dir.path, "p1", {"--role=producer", registry_flag, "--node=p1",
                                    "--tasks=1500", "--type=sleep", "--payload=20",
                                    "--list-size=100", "--threads=1", "--quiet"});
  REQUIRE(eventually([&] {
    return query_int(db, "SELECT count(*) FROM tasks WHERE state=3") >= 200;
  }, 30s));
  reg->signal(SIGKILL);
  REQUIRE(reg->wait(5s) == 128 + SIGKILL);
  std::this_thread::sleep_for(300ms);
  auto reg2 = member(dir.path, "registry", {"--role=registry", listen, "--threads=1"});
  INFO("p1: " << p1->err() << "\nmanager: " << mgr->err() << "\nc1: " << c1->err());
  CHECK(p1->wait(60s) == 0);
  CHECK(mgr->running());
  CHECK(c1->running());
  CHECK(query_int(db, "SELECT count(*) FROM jobs") == 1);
  CHECK(query_int(db, "SELECT count(*) FROM tasks WHERE state=3") == 1500);
  CHECK(mgr->err().find("manager: connected to the registry at") != std::string::npos);
  stop_cleanly({c1.get(), mgr.get()});
}

TEST_CASE("a push cut short shows as incomplete with its age and is sealed from the CLI") {
  scratch_dir dir;
  manager_proc m(dir.path, {"--queues=normal:2000,standby:0"});
  REQUIRE(m.start());
  // No consumer: the bounded queue stops the push after two lists.
  auto p1 = member(dir.path, "p1", {"--role=producer", m.registry(), "--node=p1", "--group=g",
                                    "--job=cut", "--tasks=10000", "--list-size=1000",
                                    "--threads=1", "--quiet"});
  REQUIRE(eventually([&] { return query_int(m.db, "SELECT count(*) FROM task_lists") >= 2; },
                     20s));
  p1->signal(SIGKILL);
  REQUIRE(p1->wait(5s) == 128 + SIGKILL);
  REQUIRE(eventually([&] {
    auto j = m.get("/v1/jobs/1");
    return j.is_object() && j.value("push", "") == "incomplete";
  }, 10s));
  auto j = m.get("/v1/jobs/1");
  CHECK(j["producer"] == "p1");
  CHECK(j["finished"] == false);
  auto age = j["push_age_ms"].get<int64_t>();
  std::this_thread::sleep_for(300ms);
  CHECK(m.get("/v1/jobs/1")["push_age_ms"].get<int64_t>() >= age + 250); // it ages
  auto server = fmt::format("--server=http://127.0.0.1:{}", m.http_port);
  child_process jobs({DROVER_BINARY, "jobs", server}, dir.path + "/jobs");
  CHECK(jobs.wait(10s) == 0);
  CHECK(jobs.out().find("push incomplete") != std::string::npos);
  child_process seal({DROVER_BINARY, "seal", "1", server}, dir.path + "/seal");
  CHECK(seal.wait(10s) == 0);
  INFO(seal.out() << seal.err());
  CHECK(seal.out().find("sealed with 2000 tasks") != std::string::npos);
  j = m.get("/v1/jobs/1");
  CHECK(j["sealed"] == true);
  CHECK(j["push"] == "complete");
  CHECK(query_int(m.db, "SELECT sealed FROM jobs") == 1);
  // With a consumer the sealed job finishes with the tasks it has.
  auto c1 = member(dir.path, "c1", {"--role=consumer", m.registry(), "--node=c1",
                                    "--capacity=64", "--threads=1"});
  CHECK(eventually([&] {
    auto x = m.get("/v1/jobs/1");
    return x.is_object() && x.value("finished", false);
  }, 30s));
  // The producer restarted with the same flags reports the sealed run and pushes nothing.
  auto again = member(dir.path, "p1", {"--role=producer", m.registry(), "--node=p1", "--group=g",
                                       "--job=cut", "--tasks=10000", "--list-size=1000",
                                       "--threads=1", "--quiet"}, false);
  CHECK(again->wait(30s) == 1); // the run ended with fewer tasks than it asked for
  CHECK(query_int(m.db, "SELECT count(*) FROM tasks") == 2000);
  CHECK(query_int(m.db, "SELECT count(*) FROM jobs") == 1);
}

} // TEST_SUITE
