// drover replay --clock=real: three scenarios that make sense on a
// wall clock pass on the normal scheduler (kill + 1 s grace + reassignment,
// timeouts, cancel), about 2.5 s in all; and the judging rules a real clock
// needs (tolerance windows, what cannot be observed) on made-up outcomes.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "replay/commands.hpp"
#include "replay/engine.hpp"
#include "replay/outcome.hpp"
#include "replay/scenario.hpp"

using namespace drover;
using namespace drover::replay;

namespace {

const std::string dir = std::string{DROVER_SOURCE_DIR} + "/scenarios";

struct played {
  scenario s;
  replay_result r;
};

played play_real(const std::string& name) {
  auto s = load_scenario(dir + "/" + name);
  REQUIRE_MESSAGE(s, s.err().message);
  auto r = replay_real(*s, real_options{});
  REQUIRE_MESSAGE(r, r.err().message);
  return played{std::move(*s), std::move(*r)};
}

scenario parse(const std::string& yaml) {
  auto s = parse_scenario(yaml, "t.yaml", ".");
  REQUIRE_MESSAGE(s, s.err().message);
  return std::move(*s);
}

snapshot snap(int64_t at, uint64_t consumers) {
  snapshot s;
  s.at_ms = at;
  s.counters["consumers"] = consumers;
  return s;
}

} // namespace

TEST_SUITE("replay") {

TEST_CASE("on a real clock, kill + grace + reassignment, timeouts and cancel pass") {
  for (std::string name : {"consumer-loss-reassigned-after-grace.yaml", "task-timeout.yaml",
                           "cancel-job.yaml"}) {
    CAPTURE(name);
    auto t0 = std::chrono::steady_clock::now();
    auto p = play_real(name);
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto& r = p.r;
    INFO(r.trace);
    INFO(format_report(p.s, r));
    CHECK(r.passed);
    CHECK(r.outcome.aborted.empty());
    CHECK_FALSE(r.outcome.hit_limit);
    CHECK(took < 4.0);
    CHECK(format_report(p.s, r).find("clock: real (timed expectations +-100 ms")
          != std::string::npos);
    CHECK(r.outcome.final.counters.count("lists") == 1); // read from the store after the stop
    if (name != "consumer-loss-reassigned-after-grace.yaml")
      continue;
    // Killed at 100 ms, 1000 ms grace: the tasks move at 1100 ms on the wall clock too.
    uint64_t moved = 0;
    for (auto& t : r.outcome.tasks)
      for (auto& m : t.reassigned) {
        ++moved;
        CHECK(m.from == "c1");
        CHECK(m.at_ms >= 1100 - 100);
        CHECK(m.at_ms <= 1100 + 100);
      }
    CHECK(moved == 10);
    CHECK(r.outcome.final.counters.at("lists") == 1);
  }
}

TEST_CASE("drover replay --clock=real through the command line") {
  CLI::App app{"test"};
  auto cmds = add_replay_commands(app);
  std::vector<std::string> args{"replay", "--clock=real", "--quiet", "--tolerance=150",
                                dir + "/cancel-job.yaml"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  CHECK(run_replay_command(*cmds).value_or(-1) == 0);
}

TEST_CASE("a real-clock probe holds if one sample within the tolerance does") {
  auto s = parse("name: t\ncluster: {consumers: [c1]}\nexpect:\n"
                 "  - { counter: consumers, equals: 1, at: 1100ms }\n"
                 "  - { counter: consumers, equals: 3, at: 1100ms }\n");
  run_outcome o;
  o.tolerance_ms = 100;
  o.probes[1100] = {snap(1000, 2), snap(1090, 2), snap(1110, 1), snap(1200, 1)};
  o.final = snap(1500, 1);
  auto checks = evaluate(s, o);
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].ok);
  CHECK(checks[0].detail
        == "consumers was 2 from 1000 to 1090 ms, 1 from 1110 to 1200 ms "
           "(expected 1 at 1100 ms +-100 ms)");
  CHECK_FALSE(checks[1].ok);
  o.probes.clear(); // no sample landed in the window: that is not the final value
  checks = evaluate(s, o);
  CHECK_FALSE(checks[0].ok);
  CHECK(checks[0].detail == "no sample of consumers could be taken within 1100 ms +-100 ms");
}

TEST_CASE("within and after give way by the tolerance, and only on a real clock") {
  auto s = parse("name: t\ncluster: {consumers: [c1, c2]}\nexpect:\n"
                 "  - { reassigned_from: c1, within: 1000ms, after: 1000ms }\n");
  run_outcome o;
  o.losses["c1"] = {100};
  task_record t;
  t.reassigned.push_back({"c1", 1100 + 40});
  o.tasks.push_back(t);
  CHECK_FALSE(evaluate(s, o)[0].ok); // virtual time: 1040 ms is not within 1000 ms
  o.tolerance_ms = 50;
  CHECK(evaluate(s, o)[0].ok);
  o.tasks[0].reassigned[0].at_ms = 100 + 1000 - 60;
  CHECK_FALSE(evaluate(s, o)[0].ok); // 940 ms is before 1000 - 50
}

TEST_CASE("what a real clock cannot observe fails and says so, never a made-up value") {
  auto s = parse("name: t\ncluster: {consumers: [c1], producers: [{name: p1, group: etl}]}\n"
                 "expect:\n"
                 "  - { active_producer: p1, group: etl }\n"
                 "  - { counter: lists, equals: 0, at: 10ms }\n");
  run_outcome o;
  o.producers_observed = false;
  o.probes[10] = {snap(10, 1)}; // no lists counter in the sample
  auto checks = evaluate(s, o);
  CHECK_FALSE(checks[0].ok);
  CHECK(checks[0].detail.find("not observable in this mode") == 0);
  CHECK_FALSE(checks[1].ok);
  CHECK(checks[1].detail == "lists is not observable in this mode");
}

} // TEST_SUITE
