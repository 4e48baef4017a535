// `drover rules apply|get --manager=HOST:PORT` against a real registry+manager
// process: the CAF path of the hot swap. Every wait is bounded.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>

#include "support/chaos_cluster.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

TEST_SUITE("rules cli") {

TEST_CASE("drover rules apply swaps the set in a running manager, a bad file changes nothing") {
  scratch_dir dir;
  const std::string bin = DROVER_BINARY;
  auto good = dir.path + "/good.yaml";
  auto bad = dir.path + "/bad.yaml";
  std::ofstream{good} << "version: 5\ndefaults: { strategy: round_robin }\n";
  std::ofstream{bad} << "version: 6\ndefaults: { strategy: nope }\n";
  ready_process mgr({bin, "run", "--role=registry,manager", "--listen=127.0.0.1:0", "--http=off",
                     "--store=memory", "--threads=1"},
                    dir.path + "/manager");
  auto at = "--manager=127.0.0.1:" + std::to_string(mgr.ready().registry_port);

  child_process apply({bin, "rules", "apply", good, at}, dir.path + "/apply");
  CHECK(apply.wait(10s) == 0);
  CHECK(apply.out().find("version 5") != std::string::npos);
  child_process swapped({bin, "rules", "get", at}, dir.path + "/swapped");
  CHECK(swapped.wait(10s) == 0);
  CHECK(swapped.out().find("version 5") != std::string::npos); // in force at once

  child_process refused({bin, "rules", "apply", bad, at}, dir.path + "/bad");
  CHECK(refused.wait(10s) == 2);
  CHECK(refused.err().find(bad + ":2:23: unknown strategy 'nope'") != std::string::npos);

  child_process get({bin, "rules", "get", at}, dir.path + "/get");
  CHECK(get.wait(10s) == 0);
  INFO(get.out());
  CHECK(get.out().find("version 5") != std::string::npos); // the bad file changed nothing
  CHECK(get.out().find("strategy: round_robin") != std::string::npos);

  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("drover rules apply waits for a manager that is restarting, then applies") {
  scratch_dir dir;
  auto good = dir.path + "/good.yaml";
  std::ofstream{good} << "version: 7\n";
  auto port = std::to_string(free_port());
  // The client first: nothing listens yet, as while a manager restarts.
  child_process apply({DROVER_BINARY, "rules", "apply", good, "--manager=127.0.0.1:" + port},
                      dir.path + "/apply");
  REQUIRE(apply.wait_for_err("trying again in", 10s));
  child_process mgr({DROVER_BINARY, "run", "--role=registry,manager", "--listen=127.0.0.1:" + port,
                     "--http=off", "--store=memory", "--threads=1"},
                    dir.path + "/manager");
  INFO(apply.err());
  CHECK(apply.wait(10s) == 0);
  CHECK(apply.out().find("version 7") != std::string::npos);
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("drover rules apply to an address where nothing listens: retries, then exit 1") {
  scratch_dir dir;
  auto good = dir.path + "/good.yaml";
  std::ofstream{good} << "version: 1\n";
  auto t0 = std::chrono::steady_clock::now();
  child_process apply({DROVER_BINARY, "rules", "apply", good, "--manager=127.0.0.1:1",
                       "--reconnect-timeout=700"},
                      dir.path + "/apply");
  CHECK(apply.wait(10s) == 1); // a runtime failure (2 is for bad usage)
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 700ms); // it kept trying for the whole --reconnect-timeout
  INFO(apply.err());
  CHECK(apply.err().find("cannot reach 127.0.0.1:1") != std::string::npos);
  CHECK(apply.err().find("trying again in") != std::string::npos);
  CHECK(apply.err().find("gave up after") != std::string::npos);
}

} // TEST_SUITE
