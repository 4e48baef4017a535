// One live process per node name and role: a second `drover run` naming a
// node that is alive is refused with a clear error and exits 2 (it used to
// take the name over, and both looped re-registering), while a process
// restarted after the first one died takes the name at once. Real
// processes, 127.0.0.1, OS-picked ports, readiness files, bounded waits.
#include <doctest/doctest.h>

#include <csignal>

#include "support/exec_node.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct name_fixture {
  scratch_dir dir;
  rest_node mgr{{"--role=registry,manager", "--store=memory", "--grace=500"},
                dir.path + "/manager"};
  std::string registry = "--registry=127.0.0.1:" + std::to_string(mgr.registry_port);

  std::vector<std::string> consumer_args(const std::string& node) const {
    return {DROVER_BINARY, "run", "--role=consumer", registry, "--node=" + node, "--threads=2"};
  }
  /// Runs one echo task and returns the node that executed it.
  std::string run_one() {
    auto job = submit_job(*mgr.http, json{{"name", "n"},
                                          {"tasks", json::array({{{"type", "echo"},
                                                                  {"payload", "hi"}}})}});
    auto done = wait_job(*mgr.http, job["job_id"].get<uint64_t>(), 15s);
    REQUIRE(done["counts"]["SUCCEEDED"] == 1);
    return get_json(*mgr.http, "/v1/tasks/" + job["task_ids"][0].get<std::string>())["consumer"];
  }
  size_t listed(const std::string& node) {
    auto all = get_json(*mgr.http, "/v1/nodes"); // kept: a range over a temporary's member dangles
    size_t n = 0;
    for (auto& m : all["nodes"])
      n += m.value("node", "") == node && m.value("role", "") == "consumer";
    return n;
  }
};

} // namespace

TEST_CASE_FIXTURE(name_fixture, "a second process with a live node's name is refused and exits 2") {
  ready_process c1{consumer_args("c1"), dir.path + "/c1"};
  c1.ready();
  child_process twin{consumer_args("c1"), dir.path + "/twin"};
  int code = twin.wait(20s);
  INFO(twin.err());
  CHECK(code == 2);
  CHECK(twin.err().find("node name c1 is taken") != std::string::npos);
  CHECK(twin.err().find("another --node name") != std::string::npos);
  // The first one goes on as before.
  CHECK(c1.running());
  CHECK(listed("c1") == 1);
  CHECK(run_one() == "c1");

  SUBCASE("once it died, a new process takes the name at once") {
    c1.signal(SIGKILL);
    (void)c1.wait(5s);
    ready_process again{consumer_args("c1"), dir.path + "/again"};
    again.ready(); // registered: not refused
    CHECK(again.running());
    CHECK(run_one() == "c1");
  }
}

TEST_CASE_FIXTURE(name_fixture, "the same name in another role is no conflict") {
  ready_process c1{consumer_args("shared"), dir.path + "/c1"};
  c1.ready();
  ready_process p{{DROVER_BINARY, "run", "--role=producer", registry, "--node=shared",
                   "--threads=2"},
                  dir.path + "/p"};
  p.ready();
  CHECK(c1.running());
  CHECK(p.running());
}
