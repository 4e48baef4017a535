// Failover with real processes (issue 5): SIGKILL a consumer holding 100
// `sleep` tasks. The registry sees the connection drop, the manager waits the
// 1 s grace, then the tasks go to the other consumer. Every task succeeds
// exactly once, and the move happens 1.0-1.3 s after the kill (printed).
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>

#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

TEST_SUITE("failover") {

TEST_CASE("a SIGKILLed consumer's 100 sleep tasks move after the 1 s grace and succeed once") {
  scratch_dir dir;
  const std::string bin = DROVER_BINARY;
  auto rules = dir.path + "/rules.yaml"; // room for all 100 at one consumer
  std::ofstream{rules} << "version: 1\ndefaults: { max_inflight_per_consumer: 100 }\n";
  child_process mgr({bin, "run", "--role=registry,manager", "--listen=127.0.0.1:0", "--http=off",
                     "--store=memory", "--rules=" + rules, "--threads=2"},
                    dir.path + "/manager");
  REQUIRE(mgr.wait_for_err("registry listening on", 10s));
  auto registry = "--registry=127.0.0.1:" + std::to_string(listening_port(mgr.err()));
  child_process c1({bin, "run", "--role=consumer", registry, "--node=c1", "--capacity=100",
                    "--threads=1"},
                   dir.path + "/c1");
  REQUIRE(mgr.wait_for_err("consumer c1 joined", 10s));
  child_process producer({bin, "run", "--role=producer", registry, "--tasks=100",
                          "--type=sleep", "--payload=2000", "--threads=1"},
                         dir.path + "/producer");
  // All 100 are out at c1 (the only consumer) once the first progress line says so.
  REQUIRE(producer.wait_for_out("0 pending, 100 running", 10s));
  child_process c2({bin, "run", "--role=consumer", registry, "--node=c2", "--capacity=100",
                    "--threads=1"},
                   dir.path + "/c2");
  REQUIRE(mgr.wait_for_err("consumer c2 joined", 10s));

  auto killed = std::chrono::steady_clock::now();
  c1.signal(SIGKILL);
  REQUIRE(mgr.wait_for_err("100 tasks of c1 back to pending", 5s));
  auto moved_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed);
  MESSAGE("reassignment " << moved_after.count() << " s after SIGKILL (grace 1 s)");
  CHECK(moved_after.count() >= 1.0);
  CHECK(moved_after.count() <= 1.3);

  CHECK(producer.wait(15s) == 0);
  INFO("producer: " << producer.out() << producer.err());
  CHECK(producer.out().find("100/100 done, 100 succeeded") != std::string::npos);
  c2.signal(SIGTERM);
  CHECK(c2.wait(10s) == 0);
  CHECK(executed_by(c2) == 100); // c1 died before finishing any: each ran exactly once
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

} // TEST_SUITE
