// Flag > DROVER_* > config file > default on a real `drover run`, the
// system config file (DROVER_SYSTEM_CONFIG stands in for
// /etc/drover/drover.yaml), and DROVER_SERVER for the client commands.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <csignal>
#include <fstream>
#include <string>

#include "tests/support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// Sets an environment variable for the children started in its scope.
struct scoped_env {
  std::string name;
  scoped_env(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~scoped_env() { ::unsetenv(name.c_str()); }
};

} // namespace

TEST_CASE("drover run: the flag beats DROVER_*, which beats the system config file") {
  scratch_dir dir;
  // The file alone would fail: its --http port is not a port, and its
  // registry port is taken by nothing but must lose to the variable's 0.
  std::ofstream{dir.path + "/system.yaml"}
    << "node: from-file\nhttp: 127.0.0.1:99999\nlisten: 127.0.0.1:0\ntoken: file-token\n"
       "grace_ms: 300\nstore: memory\n";
  scoped_env sys{"DROVER_SYSTEM_CONFIG", dir.path + "/system.yaml"};
  scoped_env http{"DROVER_HTTP", "127.0.0.1:0"};
  scoped_env node{"DROVER_NODE", "from-env"};
  ready_process p{{DROVER_BINARY, "run", "--node=from-flag", "--role=registry,manager"},
                  dir.path + "/node"};
  auto doc = p.ready();
  CHECK(doc.node == "from-flag");
  CHECK(doc.http_port != 0);
  CHECK(doc.registry_port != 0);
  // The file's token guards the API; the client finds the server from
  // DROVER_SERVER (children get no DROVER_TOKEN: the token goes as a flag).
  scoped_env server{"DROVER_SERVER", "http://127.0.0.1:" + std::to_string(doc.http_port)};
  child_process denied{{DROVER_BINARY, "jobs"}, dir.path + "/denied"};
  CHECK(denied.wait(15s) == 1);
  child_process jobs{{DROVER_BINARY, "jobs", "--token=file-token"}, dir.path + "/jobs"};
  CHECK_MESSAGE(jobs.wait(15s) == 0, jobs.err());
  // The old key name is accepted and warned about in the log.
  CHECK(p.err().find("'grace_ms' is the old name of 'grace'") != std::string::npos);
  p.signal(SIGTERM);
  CHECK(p.wait(15s) == 0);
}

TEST_CASE("drover run: a typo in a DROVER_ variable or a config key stops it with the closest name") {
  scratch_dir dir;
  {
    scoped_env typo{"DROVER_HEARTBEAT_MISES", "3"};
    child_process p{{DROVER_BINARY, "run", "--store=memory"}, dir.path + "/typo"};
    REQUIRE(p.wait(10s) == 2);
    CHECK(p.err().find("unknown environment variable DROVER_HEARTBEAT_MISES; did you mean "
                       "DROVER_HEARTBEAT_MISSES?") != std::string::npos);
  }
  std::ofstream{dir.path + "/c.yaml"} << "capacty: 4\n";
  child_process p{{DROVER_BINARY, "run", "--config=" + dir.path + "/c.yaml"}, dir.path + "/key"};
  REQUIRE(p.wait(10s) == 2);
  CHECK(p.err().find("c.yaml:1:1: unknown key 'capacty'; did you mean 'capacity'?")
        != std::string::npos);
}
