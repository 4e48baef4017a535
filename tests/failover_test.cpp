// Failover with real processes: SIGKILL a consumer holding 100 `sleep`
// tasks. The registry sees the connection drop, the manager waits the 1 s
// grace, then the tasks go to the other consumer, and every task succeeds
// exactly once. Processes are waited for through their --ready-file and the
// cluster is read over REST. How long the move took is reported as a
// message: on a loaded machine it varies, and a speed bound belongs in
// bench/, not here. The one bound checked is the grace itself: nothing may
// move before it ran out.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <fstream>

#include "support/exec_node.hpp"
#include "support/process.hpp"
#include "support/restart_procs.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// A counter or task count from GET /v1/overview.
uint64_t overview(httplib::Client& http, const char* section, const char* key = nullptr) {
  auto o = get_json(http, "/v1/overview");
  auto& v = key == nullptr ? o[section] : o[section][key];
  return v.is_number() ? v.get<uint64_t>() : 0;
}

} // namespace

TEST_SUITE("failover") {

TEST_CASE("a SIGKILLed consumer's 100 sleep tasks move after the 1 s grace and succeed once") {
  scratch_dir dir;
  const std::string bin = DROVER_BINARY;
  auto rules = dir.path + "/rules.yaml"; // room for all 100 at one consumer
  std::ofstream{rules} << "version: 1\ndefaults: { max_inflight_per_consumer: 100 }\n";
  rest_node mgr{{"--role=registry,manager", "--store=memory", "--rules=" + rules, "--grace=1000"},
                dir.path + "/manager"};
  auto& http = *mgr.http;
  auto registry = "--registry=127.0.0.1:" + std::to_string(mgr.registry_port);
  ready_process c1({bin, "run", "--role=consumer", registry, "--node=c1", "--capacity=100",
                    "--threads=1"},
                   dir.path + "/c1");
  c1.ready();
  child_process producer({bin, "run", "--role=producer", registry, "--tasks=100",
                          "--type=sleep", "--payload=2000", "--threads=1"},
                         dir.path + "/producer");
  // All 100 are out at c1, the only consumer.
  REQUIRE(eventually([&] { return overview(http, "tasks", "RUNNING") == 100; }, 10s));
  ready_process c2({bin, "run", "--role=consumer", registry, "--node=c2", "--capacity=100",
                    "--threads=1"},
                   dir.path + "/c2");
  c2.ready();
  REQUIRE(overview(http, "reassignments") == 0);

  auto killed = std::chrono::steady_clock::now();
  c1.signal(SIGKILL);
  // The manager takes all of c1's tasks back in one step.
  REQUIRE(eventually([&] { return overview(http, "reassignments") == 100; }, 5s));
  auto moved_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed);
  MESSAGE("failover: c1's 100 tasks reassigned " << moved_after.count()
                                                 << " s after SIGKILL (grace 1 s)");
  CHECK(moved_after.count() >= 1.0); // the grace was honoured

  CHECK(producer.wait(15s) == 0);
  INFO("producer: " << producer.out() << producer.err());
  auto jobs = get_json(http, "/v1/jobs");
  REQUIRE(jobs["jobs"].size() == 1);
  auto job = jobs["jobs"][0];
  CHECK(job["counts"]["SUCCEEDED"] == 100);
  CHECK(job["finished"] == true);
  auto tasks = get_json(http, "/v1/jobs/" + job["id"].dump() + "/tasks?limit=1000");
  REQUIRE(tasks["tasks"].size() == 100);
  for (auto& t : tasks["tasks"]) {
    CHECK(t["consumer"] == "c2"); // c1 died before finishing any
    CHECK(t["attempt"] == 1);     // a lost consumer costs no attempt
  }
  c2.signal(SIGTERM);
  CHECK(c2.wait(10s) == 0);
  CHECK(executed_by(c2) == 100); // each ran exactly once
  mgr.proc->signal(SIGTERM);
  CHECK(mgr.proc->wait(10s) == 0);
}

} // TEST_SUITE
