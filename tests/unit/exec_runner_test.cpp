// exec handlers on a real I/O loop with real processes (exec/exec_runner):
// stdin/stdout, placeholders and a clean environment, exit codes and
// signals, timeout and cancel of a whole process group (children included),
// 100 MB of output without a deadlock or unbounded memory, rlimits.
#include <doctest/doctest.h>

#include <fstream>

#include "exec/exec_runner.hpp"
#include "exec/group_record.hpp"
#include "exec/io_loop.hpp"
#include "tests/unit/exec_support.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct runner_fixture {
  outcome_box box;
  io_loop loop;
  group_record groups;
  std::unique_ptr<exec_runner> runner;

  runner_fixture() {
    loop.run_sync([this] {
      runner = std::make_unique<exec_runner>(loop, groups,
                                             [this](exec_outcome o) { box.push(std::move(o)); });
    });
  }
  ~runner_fixture() {
    loop.run_sync([this] { runner.reset(); });
  }
  void start(exec_spec spec, exec_request r) {
    auto s = std::make_shared<exec_spec>(std::move(spec));
    loop.post([this, s, r] { runner->start(s, r); });
  }
  void cancel(task_id id, uint64_t lease) {
    loop.post([this, id, lease] { runner->cancel(id, lease); });
  }
  exec_outcome run(exec_spec spec, exec_request r) {
    auto n = box.size();
    start(std::move(spec), std::move(r));
    REQUIRE(box.wait_for(n + 1));
    return box.at(n);
  }
};

exec_spec sh(const std::string& script, int64_t kill_grace_ms = 5000) {
  exec_spec s;
  s.proc.argv = {"/bin/sh", "-c", script, "sh"};
  s.proc.kill_grace_ms = kill_grace_ms;
  return s;
}

} // namespace

TEST_SUITE("exec runner") {

TEST_CASE_FIXTURE(runner_fixture, "stdin is the payload and stdout the result") {
  exec_spec s;
  s.proc.argv = {"/usr/bin/tr", "a-z", "A-Z"};
  auto o = run(s, request(1, "upper", "hello, drover"));
  CHECK(o.outcome == task_outcome::succeeded);
  CHECK(o.result == "HELLO, DROVER");
  CHECK(o.id == 1);
  CHECK(o.run_us > 0);
}

TEST_CASE_FIXTURE(runner_fixture, "placeholders fill whole arguments and the environment is clean") {
  auto s = sh("echo \"$1|$2|$3\"; env | sort");
  s.proc.argv.push_back("{payload}");
  s.proc.argv.push_back("{id}");
  s.proc.argv.push_back("{attempt}");
  s.proc.set["GREETING"] = "hi";
  ::setenv("DROVER_TEST_SECRET", "x", 1);
  auto o = run(s, request(77, "t", "a b", 3));
  REQUIRE(o.outcome == task_outcome::succeeded);
  CHECK(o.result.find("a b|77|3\n") == 0);
  CHECK(o.result.find("GREETING=hi") != std::string::npos);
  CHECK(o.result.find("DROVER_TASK_ID=77") != std::string::npos);
  CHECK(o.result.find("DROVER_ATTEMPT=3") != std::string::npos);
  CHECK(o.result.find("DROVER_LEASE=1") != std::string::npos);
  CHECK(o.result.find("PATH=/usr/local/bin:/usr/bin:/bin") != std::string::npos);
  CHECK(o.result.find("DROVER_TEST_SECRET") == std::string::npos); // not inherited
  s.proc.inherit = {"DROVER_TEST_SECRET"};
  CHECK(run(s, request(78, "t", "")).result.find("DROVER_TEST_SECRET=x") != std::string::npos);
}

TEST_CASE_FIXTURE(runner_fixture, "a non-zero exit fails the attempt with the code and the last stderr line") {
  auto s = sh("echo working >&2; echo 'cannot open /x' >&2; exit 3");
  auto o = run(s, request(1, "t", ""));
  CHECK(o.outcome == task_outcome::failed);
  CHECK(o.result == "exit code 3: cannot open /x");
  CHECK(o.retryable);
  CHECK(o.log == "working\ncannot open /x\n");
  s.no_retry_exit_codes = {2, 3};
  CHECK_FALSE(run(s, request(2, "t", "")).retryable);
}

TEST_CASE_FIXTURE(runner_fixture, "death by signal is named") {
  auto o = run(sh("kill -9 $$"), request(1, "t", ""));
  CHECK(o.outcome == task_outcome::failed);
  CHECK(o.result == "killed by signal SIGKILL (9)");
  CHECK(run(sh("kill -SEGV $$"), request(2, "t", "")).result.find("killed by signal SIGSEGV (11)")
        == 0);
}

TEST_CASE_FIXTURE(runner_fixture, "the handler's timeout stops the process and says so") {
  auto s = sh("sleep 30", 200);
  s.proc.timeout_ms = 300;
  auto t0 = std::chrono::steady_clock::now();
  auto o = run(s, request(1, "t", ""));
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(o.outcome == task_outcome::timed_out);
  CHECK(o.result == "timed out after 300ms (killed by signal SIGTERM (15))");
  CHECK(took < 3s);
}

TEST_CASE_FIXTURE(runner_fixture, "cancel leaves no descendant within kill_grace + 200 ms") {
  temp_dir tmp;
  for (bool ignores_term : {false, true}) {
    CAPTURE(ignores_term);
    auto pidfile = tmp.path + (ignores_term ? "/b.pid" : "/a.pid");
    // Children that ignore SIGTERM are only stopped by the SIGKILL after the grace.
    auto script = std::string{ignores_term ? "trap '' TERM; " : ""}
                  + "sleep 1000 & sleep 1000 & echo $$ > " + pidfile + "; wait";
    const int64_t grace = 400;
    start(sh(script, grace), request(ignores_term ? 2 : 1, "t", ""));
    auto pgid = wait_pid_file(pidfile, 5s);
    REQUIRE(pgid > 0);
    for (int i = 0; i < 200 && live_in_group(pgid) < 3; ++i)
      std::this_thread::sleep_for(10ms);
    REQUIRE(live_in_group(pgid) == 3); // sh and two sleeps
    auto t0 = std::chrono::steady_clock::now();
    cancel(ignores_term ? 2 : 1, 1);
    auto took = wait_group_empty(pgid, 5s);
    MESSAGE("descendants gone " << took.count() << " ms after the cancel (kill_grace "
                                << grace << " ms)");
    CHECK(took.count() <= grace + 200);
    (void) t0;
  }
  std::this_thread::sleep_for(100ms);
  CHECK(box.size() == 0); // a cancelled attempt has no outcome
}

TEST_CASE_FIXTURE(runner_fixture, "100 MB on stdout and stderr: truncated, flagged, bounded memory, no deadlock") {
  auto rss0 = own_rss();
  auto s = sh("head -c 104857600 /dev/zero & head -c 52428800 /dev/zero >&2; wait");
  auto t0 = std::chrono::steady_clock::now();
  auto o = run(s, request(1, "t", ""));
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - t0);
  MESSAGE("150 MB of output read in " << took.count() << " ms; RSS grew by "
                                      << (own_rss() - std::min(own_rss(), rss0)) / 1024 << " KiB");
  REQUIRE(o.outcome == task_outcome::succeeded);
  CHECK(o.result.size() < (1 << 20) + 200);
  CHECK(o.result.find("[drover: stdout truncated: kept the first 1048576 of 104857600 bytes]")
        != std::string::npos);
  CHECK(o.log.size() < 64 * 1024 + 200);
  CHECK(o.log.find("earlier bytes dropped") != std::string::npos);
  CHECK(own_rss() < rss0 + (16 << 20));
}

TEST_CASE_FIXTURE(runner_fixture, "rlimits and cwd apply to the child") {
  auto s = sh("ulimit -n; pwd");
  s.proc.rlimit_nofile = 64;
  s.proc.cwd = "/tmp";
  auto o = run(s, request(1, "t", ""));
  CHECK(o.result == "64\n/tmp\n");
  auto cpu = sh("while :; do :; done");
  cpu.proc.rlimit_cpu_s = 1;
  CHECK(run(cpu, request(2, "t", "")).result.find("killed by signal SIGXCPU") == 0);
}

TEST_CASE_FIXTURE(runner_fixture, "a program that cannot start fails the attempt, saying why") {
  exec_spec s;
  s.proc.argv = {"/no/such/program"};
  auto o = run(s, request(1, "t", ""));
  CHECK(o.outcome == task_outcome::failed);
  CHECK(o.result == "cannot start /no/such/program: execve failed: No such file or directory");
  s.proc.argv = {"/bin/true"};
  s.proc.cwd = "/no/such/dir";
  CHECK(run(s, request(2, "t", "")).result.find("changing to its cwd failed") != std::string::npos);
}

TEST_CASE_FIXTURE(runner_fixture, "a child that never reads its stdin does not block a large payload") {
  auto o = run(sh("echo ignored"), request(1, "t", std::string(4 << 20, 'x')));
  CHECK(o.outcome == task_outcome::succeeded);
  CHECK(o.result == "ignored\n");
}

} // TEST_SUITE
