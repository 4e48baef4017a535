// drover replay on virtual time: every scenario in scenarios/
// passes, the same scenario gives the same trace byte for byte, a failing
// expectation and a bad file give non-zero exits.
#include <doctest/doctest.h>

#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "replay/commands.hpp"
#include "replay/engine.hpp"
#include "replay/scenario.hpp"

using namespace drover;
using namespace drover::replay;

namespace {

const std::string dir = std::string{DROVER_SOURCE_DIR} + "/scenarios";

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (auto* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0)
        out.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

replay_result play(const std::string& path) {
  auto s = load_scenario(path);
  REQUIRE_MESSAGE(s, s.err().message);
  auto r = replay_virtual(*s);
  REQUIRE_MESSAGE(r, r.err().message);
  return std::move(*r);
}

/// Runs `drover replay ARGS...` through the command wiring; the exit code.
int replay_cli(std::vector<std::string> args) {
  CLI::App app{"test"};
  auto cmds = add_replay_commands(app);
  std::reverse(args.begin(), args.end()); // CLI11 takes them last-first
  app.parse(args);
  return run_replay_command(*cmds).value_or(-1);
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = "/tmp/drover-replay-test-" + name;
  std::ofstream{path} << text;
  return path;
}

} // namespace

TEST_SUITE("replay") {

TEST_CASE("every scenario in scenarios/ passes on virtual time, each well under a second") {
  auto files = scenario_files();
  REQUIRE(files.size() >= 11);
  for (auto& f : files) {
    CAPTURE(f);
    auto t0 = std::chrono::steady_clock::now();
    auto r = play(f);
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto s = load_scenario(f);
    REQUIRE(s);
    INFO(format_report(*s, r));
    CHECK(r.passed);
    CHECK_FALSE(r.outcome.hit_limit);
    CHECK(took < 1.0);
  }
}

TEST_CASE("the same scenario gives a byte-identical trace") {
  // Heartbeats, a partition, grace timers and stale ACKs: many timers at once.
  auto a = play(dir + "/ack-stale-after-partition.yaml");
  auto b = play(dir + "/ack-stale-after-partition.yaml");
  CHECK(a.trace.size() > 200);
  CHECK(a.trace == b.trace);
  auto c = play(dir + "/supervision-restart-escalate.yaml");
  auto d = play(dir + "/supervision-restart-escalate.yaml");
  CHECK(c.trace == d.trace);
}

TEST_CASE("the --trace file is the same on two runs") {
  auto f = dir + "/producer-standby-takeover.yaml";
  REQUIRE(replay_cli({"replay", "--quiet", "--trace=/tmp/drover-replay-t1.txt", f}) == 0);
  REQUIRE(replay_cli({"replay", "--quiet", "--trace=/tmp/drover-replay-t2.txt", f}) == 0);
  std::ifstream a{"/tmp/drover-replay-t1.txt"}, b{"/tmp/drover-replay-t2.txt"};
  std::string ta{std::istreambuf_iterator<char>{a}, {}}, tb{std::istreambuf_iterator<char>{b}, {}};
  CHECK(!ta.empty());
  CHECK(ta == tb);
}

TEST_CASE("a failing expectation fails the run with exit code 1") {
  auto path = write_temp("fail.yaml", R"(name: wrong-on-purpose
cluster: { consumers: [c1] }
timeline:
  - { at: 0ms, submit: { job: j, tasks: 5, type: fail, payload: "9" } }
expect:
  - { all_tasks: succeeded }
  - { counter: retries, equals: 3 }
  - { all_tasks: failed }
)");
  auto s = load_scenario(path);
  REQUIRE(s);
  auto played = replay_virtual(*s);
  REQUIRE(played);
  const replay_result& r = *played;
  CHECK_FALSE(r.passed);
  REQUIRE(r.checks.size() == 3);
  CHECK_FALSE(r.checks[0].ok);
  CHECK(r.checks[0].detail == "0 of 5 tasks SUCCEEDED, 5 FAILED");
  CHECK_FALSE(r.checks[1].ok);
  CHECK(r.checks[2].ok);
  CHECK(format_report(*s, r).find("FAIL " + path + ":6:") != std::string::npos);
  CHECK(replay_cli({"replay", "--quiet", path}) == 1);
}

TEST_CASE("a bad scenario gives every problem with file:line:column and exit code 2") {
  auto path = write_temp("bad.yaml", R"(name: bad
cluster:
  consumers: [c1]
  grace: 10 parsecs
  colour: blue
timeline:
  - { at: 0ms, submit: { job: x, tasks: 0 } }
  - { at: 5ms, kill: c9 }
expect:
  - { all_tasks: sleepy }
)");
  auto s = load_scenario(path);
  REQUIRE_FALSE(s);
  const error& err = s.err();
  CHECK(err.message.find(path + ":4:10: 'grace' must be a duration") != std::string::npos);
  CHECK(err.message.find(path + ":5:3: unknown key 'colour' in cluster") != std::string::npos);
  CHECK(err.message.find(path + ":7:41: 'tasks' must be a whole number") != std::string::npos);
  CHECK(err.message.find(path + ":8:22: 'c9' is not a member") != std::string::npos);
  CHECK(err.message.find(path + ":10:18: 'sleepy' is not a task state") != std::string::npos);
  CHECK(replay_cli({"replay", path}) == 2);
}

TEST_CASE("broken YAML, a missing file and out-of-order entries are positioned errors") {
  auto s = parse_scenario("name: x\ncluster: {consumers: [c1\n", "t.yaml", ".");
  REQUIRE_FALSE(s);
  CHECK(s.err().message.rfind("t.yaml:3:1: ", 0) == 0);
  s = parse_scenario("name: x\ncluster: {consumers: [c1]}\ntimeline:\n"
                     "  - { at: 2s, kill: c1 }\n  - { at: 1s, restart: c1 }\nexpect: []\n",
                     "t.yaml", ".");
  REQUIRE_FALSE(s);
  CHECK(s.err().message.find("t.yaml:5:11: entries must be in time order") != std::string::npos);
  CHECK(load_scenario("/nonexistent/x.yaml").err().message
        == "/nonexistent/x.yaml: cannot read the scenario file");
}

TEST_CASE("flags that do not fit together exit 2") {
  auto f = dir + "/task-timeout.yaml";
  CHECK(replay_cli({"replay", "--processes", "--clock=virtual", f}) == 2);
  CHECK(replay_cli({"replay", "--tolerance=50", f}) == 2); // virtual time is exact
  // Refused before any process starts (this test binary is not drover).
  CHECK(replay_cli({"replay", "--processes", dir + "/supervision-restart-escalate.yaml"}) == 2);
}

} // TEST_SUITE
