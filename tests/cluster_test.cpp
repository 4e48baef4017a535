// The whole flow across four processes over CAF's middleman on 127.0.0.1:
// registry+manager, two consumers, a producer. Ports are picked by the OS
// (--listen=127.0.0.1:0) and read back from the --ready-file, which also says
// when each member has registered; every wait is bounded.
#include <doctest/doctest.h>

#include <csignal>

#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

TEST_SUITE("cluster") {

TEST_CASE("a 10,000-task job runs across 4 processes, every task exactly once") {
  scratch_dir dir;
  const std::string bin = DROVER_BINARY;
  ready_process mgr({bin, "run", "--role=registry,manager", "--listen=127.0.0.1:0", "--http=off",
                     "--store=sqlite:" + dir.path + "/m.db", "--threads=2"},
                    dir.path + "/manager");
  auto registry = mgr.registry_flag();
  ready_process c1({bin, "run", "--role=consumer", registry, "--node=c1", "--threads=1"},
                   dir.path + "/c1");
  ready_process c2({bin, "run", "--role=consumer", registry, "--node=c2", "--threads=1"},
                   dir.path + "/c2");
  // Registered: the registry told the manager before it answered them.
  c1.ready();
  c2.ready();
  child_process producer({bin, "run", "--role=producer", registry, "--tasks=10000",
                          "--type=echo", "--payload=x", "--threads=1"},
                         dir.path + "/producer");
  CHECK(producer.wait(60s) == 0);
  INFO("producer stdout: " << producer.out() << "\nstderr: " << producer.err());
  CHECK(producer.out().find("10000/10000 done, 10000 succeeded") != std::string::npos);
  CHECK(producer.out().find("throughput:") != std::string::npos);
  c1.signal(SIGTERM);
  c2.signal(SIGTERM);
  CHECK(c1.wait(10s) == 0);
  CHECK(c2.wait(10s) == 0);
  auto ran1 = executed_by(c1);
  auto ran2 = executed_by(c2);
  CHECK(ran1 + ran2 == 10000); // no task ran twice, none was skipped
  CHECK(ran1 > 0);
  CHECK(ran2 > 0);
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("an unreachable registry is a one-line error and exit code 2") {
  scratch_dir dir;
  child_process c({DROVER_BINARY, "run", "--role=consumer", "--registry=127.0.0.1:1"},
                  dir.path + "/c");
  CHECK(c.wait(10s) == 2);
  CHECK(c.err().find("cannot reach 127.0.0.1:1") != std::string::npos);
}

TEST_CASE("bad flags are one-line errors with exit code 2, never a crash") {
  scratch_dir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
    {{"run", "--no-such-flag"}, "--no-such-flag"},
    {{"run", "--listen=127.0.0.1:70000"}, "bad port '70000'"},
    {{"run", "--role=wizard", "--registry=127.0.0.1:5"}, "unknown role 'wizard'"},
    {{"run", "--role=consumer"}, "--registry=HOST:PORT is needed"},
    {{"run", "--capacity=abc"}, "capacity"},
    {{"run", "--prefetch=lots"}, "--prefetch: 'lots' is not auto or a whole number"},
  };
  int i = 0;
  for (auto& [args, expected] : cases) {
    std::vector<std::string> argv{DROVER_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process p(argv, dir.path + "/p" + std::to_string(i++));
    CAPTURE(expected);
    CHECK(p.wait(10s) == 2);
    CHECK((p.err() + p.out()).find(expected) != std::string::npos);
  }
}

} // TEST_SUITE
