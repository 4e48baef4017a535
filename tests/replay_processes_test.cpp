// drover replay --processes: each member a `drover run` process,
// kill = SIGKILL, expectations read over REST. Run through the drover
// binary (the engine starts children from /proc/self/exe). About 2.5 s.
#include <doctest/doctest.h>

#include <csignal>
#include <cerrno>
#include <chrono>
#include <regex>
#include <string>

#include "tests/support/process.hpp"

using drover::testing::child_process;
using drover::testing::scratch_dir;

namespace {

const std::string dir = std::string{DROVER_SOURCE_DIR} + "/scenarios";

struct replay_run {
  int code = -1;
  std::string out, err;
};

replay_run replay_processes(const std::string& scenario, const scratch_dir& tmp) {
  child_process p{{DROVER_BINARY, "replay", "--processes", dir + "/" + scenario},
                  tmp.path + "/replay"};
  replay_run r;
  r.code = p.wait(std::chrono::seconds(30));
  r.out = p.out();
  r.err = p.err();
  return r;
}

/// Every "pid N" in the trace names a process that is gone now.
void check_no_child_left(const std::string& trace) {
  static const std::regex re{R"(pid (\d+))"};
  int seen = 0;
  for (std::sregex_iterator i{trace.begin(), trace.end(), re}, end; i != end; ++i) {
    ++seen;
    auto pid = static_cast<pid_t>(std::stol((*i)[1]));
    CAPTURE(pid);
    CHECK((::kill(pid, 0) == -1 && errno == ESRCH));
  }
  CHECK(seen > 0);
}

} // namespace

TEST_SUITE("replay") {

TEST_CASE("--processes: a SIGKILLed consumer's tasks move after the grace, once each") {
  scratch_dir tmp;
  auto r = replay_processes("consumer-loss-reassigned-after-grace.yaml", tmp);
  INFO(r.out);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("kill c1 (SIGKILL to pid ") != std::string::npos);
  CHECK(r.out.find("consumer c1 gone: grace over") != std::string::npos);
  CHECK(r.out.find("{completed_twice: 0} -- 0 (expected 0)") != std::string::npos);
  CHECK(r.out.find("PASSED: 6 of 6 expectations hold") != std::string::npos);
  check_no_child_left(r.out);
}

TEST_CASE("--processes: cancel over REST, executed from the consumers' own counts") {
  scratch_dir tmp;
  auto r = replay_processes("cancel-job.yaml", tmp);
  INFO(r.out);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("cancel job doomed (id 1) -> 20 tasks cancelled") != std::string::npos);
  CHECK(r.out.find("executed = 5 at ") != std::string::npos);
  CHECK(r.out.find("PASSED: 4 of 4 expectations hold") != std::string::npos);
  check_no_child_left(r.out);
}

TEST_CASE("--processes: what REST cannot show fails and says so") {
  scratch_dir tmp;
  auto r = replay_processes("task-timeout.yaml", tmp); // no timeout counter over REST
  INFO(r.out);
  CHECK(r.code == 1);
  CHECK(r.out.find("timeouts is not observable in this mode") != std::string::npos);
  CHECK(r.out.find("{all_tasks: timed_out} -- 10 of 10 tasks TIMED_OUT") != std::string::npos);
}

TEST_CASE("--processes refuses what cannot be done to a process from outside") {
  scratch_dir tmp;
  auto r = replay_processes("ack-stale-after-partition.yaml", tmp);
  CHECK(r.code == 2);
  CHECK(r.err.find("ack-stale-after-partition.yaml:18: 'partition' cannot be played with "
                   "--processes") != std::string::npos);
}

} // TEST_SUITE
