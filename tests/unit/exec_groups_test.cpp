// The record of process groups (exec/group_record): a consumer restarted
// after a SIGKILL kills what its predecessor left, and never a stranger.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "exec/group_record.hpp"
#include "exec/spawn.hpp"
#include "tests/unit/exec_support.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

spawn_plan sh(const std::string& script) {
  spawn_plan p;
  p.argv = {"/bin/sh", "-c", script};
  p.env = {"PATH=/usr/bin:/bin"};
  p.stdin_pipe = false;
  return p;
}

} // namespace

TEST_SUITE("exec groups") {

TEST_CASE("a restart kills the groups its SIGKILLed predecessor left, and never a stranger") {
  temp_dir tmp;
  auto path = tmp.path + "/exec-groups-c1";
  spawned left, stranger;
  {
    group_record rec{path};
    // The spawning thread ends as a SIGKILLed consumer's would: the leader
    // dies (PR_SET_PDEATHSIG), its background children stay behind.
    std::thread t{[&] {
      auto started = spawn_process(sh("sleep 1000 & sleep 1000 & wait"));
      REQUIRE(started);
      left = *started;
      rec.add(left.pid, left.start_time);
      for (int i = 0; i < 300 && live_in_group(left.pid) < 3; ++i)
        std::this_thread::sleep_for(10ms);
    }};
    t.join();
    auto started = spawn_process(sh("exec sleep 1000"));
    REQUIRE(started);
    stranger = *started;
    rec.add(stranger.pid, stranger.start_time + 1); // same pid, another process: a stranger
  }
  ::waitpid(left.pid, nullptr, 0); // the dead leader (our child here)
  REQUIRE(live_in_group(left.pid) == 2); // the orphaned sleeps
  group_record next{path};
  CHECK(next.clean_up_left_over() == 1);
  CHECK(wait_group_empty(left.pid, 2s) < 200ms);
  CHECK(live_in_group(stranger.pid) == 1); // untouched
  ::kill(-stranger.pid, SIGKILL);
  ::waitpid(stranger.pid, nullptr, 0);
  close_fds(left);
  close_fds(stranger);
  group_record again{path}; // the file was started afresh
  CHECK(again.clean_up_left_over() == 0);
}

TEST_CASE("removed groups are not killed, and no path records nothing") {
  temp_dir tmp;
  auto path = tmp.path + "/g";
  spawned s;
  {
    group_record rec{path};
    auto started = spawn_process(sh("exec sleep 1000"));
    REQUIRE(started);
    s = *started;
    rec.add(s.pid, s.start_time);
    rec.remove(s.pid);
  }
  group_record next{path};
  CHECK(next.clean_up_left_over() == 0);
  CHECK(live_in_group(s.pid) == 1);
  ::kill(-s.pid, SIGKILL);
  ::waitpid(s.pid, nullptr, 0);
  close_fds(s);
  group_record none;
  none.add(1, 1);
  CHECK(none.clean_up_left_over() == 0);
}

} // TEST_SUITE
