// Matching and choosing (rules/assign.hpp) as a pure function of (task,
// members, rule set): first match wins, each strategy, limits, tags. The
// consistent-hash properties are in rules_hash_test.cpp. No actors.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/assign.hpp"
#include "rules_test_support.hpp"
#include "rules/match.hpp"

using namespace drover;

namespace {


/// Chooses and, like the manager, counts the task as in flight there.
std::string assign(assigner& a, const task& t, std::vector<candidate>& cs) {
  auto c = a.choose(t, cs);
  if (c.status != choice_status::chosen)
    return "-";
  cs[c.index].inflight++;
  return cs[c.index].node;
}

assigner with(const std::string& yaml, uint64_t seed = 42) {
  assigner a{seed};
  a.use(rules_from(yaml));
  return a;
}

std::string one_strategy(const char* name) {
  return std::string{"version: 1\ndefaults: { strategy: "} + name
         + ", max_inflight_per_consumer: 4 }\n";
}

} // namespace

TEST_SUITE("rules") {

TEST_CASE("the first matching rule wins, no match means the defaults") {
  auto a = with("version: 1\n"
                "rules:\n"
                "  - name: renders\n"
                "    match: { type: \"render.*\" }\n"
                "  - name: urgent\n"
                "    match: { priority: high }\n"
                "  - name: gpu-wanted\n"
                "    match: { tags: [gpu] }\n");
  auto cs = members(2, {"gpu"});
  auto c = a.choose(make_task("render.frame", priority::high), cs);
  REQUIRE(c.matched);
  CHECK(c.matched->name == "renders");
  c = a.choose(make_task("encode", priority::high, {"gpu"}), cs);
  REQUIRE(c.matched);
  CHECK(c.matched->name == "urgent");
  c = a.choose(make_task("encode", priority::low, {"gpu"}), cs);
  REQUIRE(c.matched);
  CHECK(c.matched->name == "gpu-wanted");
  c = a.choose(make_task("encode", priority::low), cs);
  CHECK(c.status == choice_status::chosen);
  CHECK(c.matched == nullptr);
}

TEST_CASE("a rule can match on the job name the manager passes in") {
  auto rs = rules_from("version: 1\nrules:\n  - name: reports\n"
                       "    match: { job: \"report-*\" }\n");
  auto t = make_task("noop");
  REQUIRE(first_match(*rs, t, "report-2024"));
  CHECK(first_match(*rs, t, "report-2024")->name == "reports");
  CHECK(first_match(*rs, t, "etl") == nullptr);
  assigner a;
  a.use(rs);
  auto cs = members(1);
  CHECK(a.choose(t, "report-x", cs).matched == &rs->rules[0]);
  CHECK(a.choose(t, cs).matched == nullptr);
}

TEST_CASE("round_robin takes fitting members in turn") {
  auto a = with(one_strategy("round_robin"));
  auto cs = members(3);
  std::vector<std::string> got;
  for (int i = 0; i < 6; ++i)
    got.push_back(assign(a, make_task("noop"), cs));
  CHECK(got == std::vector<std::string>{"c1", "c2", "c3", "c1", "c2", "c3"});
}

TEST_CASE("least_loaded picks the lowest inflight relative to the limit") {
  auto a = with(one_strategy("least_loaded"));
  auto cs = members(3);
  cs[0].inflight = 2;
  cs[1].inflight = 1;
  cs[2].inflight = 3;
  CHECK(assign(a, make_task("noop"), cs) == "c2");
  // Relative to the limit: 1 of 4 is less loaded than 1 of a capacity of 2.
  cs = members(2);
  cs[0].inflight = 1;
  cs[1].capacity = 2;
  cs[1].inflight = 1;
  CHECK(assign(a, make_task("noop"), cs) == "c1");
}

TEST_CASE("max_inflight is respected: members at their limit make the task busy") {
  auto a = with(one_strategy("least_loaded"));
  auto cs = members(2, {}, 64);
  for (int i = 0; i < 8; ++i)
    CHECK(assign(a, make_task("noop"), cs) != "-");
  CHECK(cs[0].inflight == 4);
  CHECK(cs[1].inflight == 4);
  auto c = a.choose(make_task("noop"), cs);
  CHECK(c.status == choice_status::busy);
  CHECK(c.index == -1);
}

TEST_CASE("a rule's max_inflight overrides the default, capped by capacity") {
  auto a = with("version: 1\n"
                "defaults: { max_inflight_per_consumer: 64 }\n"
                "rules:\n"
                "  - name: slow\n"
                "    match: { type: slow }\n"
                "    max_inflight: 1\n");
  auto cs = members(2, {}, 2);
  CHECK(assign(a, make_task("slow"), cs) != "-");
  CHECK(assign(a, make_task("slow"), cs) != "-");
  CHECK(a.choose(make_task("slow"), cs).status == choice_status::busy);
  // Other tasks use the default 64, capped by the capacity of 2.
  CHECK(assign(a, make_task("fast"), cs) != "-");
  CHECK(assign(a, make_task("fast"), cs) != "-");
  CHECK(a.choose(make_task("fast"), cs).status == choice_status::busy);
}

TEST_CASE("a member that is not accepting gets nothing, if all are, the task is busy") {
  for (auto s : {"round_robin", "least_loaded", "fastest", "random", "weighted"}) {
    CAPTURE(s);
    auto a = with(one_strategy(s));
    auto cs = members(3);
    cs[0].accepting = false;
    cs[2].accepting = false;
    CHECK(assign(a, make_task("noop"), cs) == "c2");
    cs[1].accepting = false;
    CHECK(a.choose(make_task("noop"), cs).status == choice_status::busy);
  }
}

TEST_CASE("a task whose tags no member offers is unassignable") {
  auto a = with(one_strategy("round_robin"));
  auto cs = members(2, {"cpu"});
  cs.push_back(candidate{"g1", {"gpu", "cpu"}, 64, 0, true, test_types()});
  a.members_changed();
  auto c = a.choose(make_task("noop", priority::normal, {"tpu"}), cs);
  CHECK(c.status == choice_status::unassignable);
  CHECK(assign(a, make_task("noop", priority::normal, {"gpu", "cpu"}), cs) == "g1");
  CHECK(assign(a, make_task("noop", priority::normal, {"gpu"}), cs) == "g1");
  CHECK(a.choose(make_task("noop"), std::vector<candidate>{}).status
        == choice_status::unassignable);
}

TEST_CASE("a rule's to filter limits the members by tags and node names") {
  auto a = with("version: 1\n"
                "rules:\n"
                "  - name: gpu\n"
                "    match: { type: \"render.*\" }\n"
                "    to: { tags: [gpu] }\n"
                "  - name: pinned\n"
                "    match: { type: report }\n"
                "    to: { nodes: [c3] }\n"
                "    strategy: round_robin\n"
                "  - name: nowhere\n"
                "    match: { type: lost }\n"
                "    to: { nodes: [zz] }\n");
  auto cs = members(3);
  cs[1].tags = {"gpu"};
  a.members_changed();
  for (int i = 0; i < 3; ++i) {
    CHECK(assign(a, make_task("render.frame"), cs) == "c2");
    CHECK(assign(a, make_task("report"), cs) == "c3");
  }
  CHECK(a.choose(make_task("lost"), cs).status == choice_status::unassignable);
  // The task's own tags still apply within the filter.
  CHECK(a.choose(make_task("report", priority::normal, {"gpu"}), cs).status
        == choice_status::unassignable);
}

TEST_CASE("random is deterministic for a given seed and spreads over all members") {
  auto run = [](uint64_t seed) {
    auto a = with("version: 1\ndefaults: { strategy: random, "
                  "max_inflight_per_consumer: 1000 }\n", seed);
    auto cs = members(8, {}, 1000);
    std::vector<std::string> got;
    for (int i = 0; i < 400; ++i)
      got.push_back(assign(a, make_task("noop"), cs));
    return got;
  };
  auto a = run(7), b = run(7), c = run(8);
  CHECK(a == b);
  CHECK(a != c);
  std::map<std::string, int> per_node;
  for (const auto& n : a)
    per_node[n]++;
  CHECK(per_node.size() == 8);
}

TEST_CASE("fastest picks the lowest moving average for the task type") {
  auto a = with(one_strategy("fastest"));
  auto cs = members(3, {}, 100);
  a.record_run("c1", "render", 30);
  a.record_run("c2", "render", 10);
  a.record_run("c3", "render", 20);
  a.record_run("c1", "encode", 1); // other types do not count
  CHECK(assign(a, make_task("render"), cs) == "c2");
  // c2 slows down: 10 -> 10 + 0.2 * (110 - 10) = 30, c3 is now the fastest.
  a.record_run("c2", "render", 110);
  CHECK(a.average_run_ms("c2", "render") == doctest::Approx(30));
  CHECK(assign(a, make_task("render"), cs) == "c3");
  CHECK(a.average_run_ms("c9", "render") < 0);
}

TEST_CASE("fastest tries a member without data first, then fills the fastest to its limit") {
  auto a = with(one_strategy("fastest")); // max 4 per member
  auto cs = members(3);
  a.record_run("c1", "t", 5);
  a.record_run("c2", "t", 50);
  CHECK(assign(a, make_task("t"), cs) == "c3"); // no data counts as 0 ms
  a.record_run("c3", "t", 500);
  std::vector<std::string> got;
  for (int i = 0; i < 5; ++i)
    got.push_back(assign(a, make_task("t"), cs));
  CHECK(got == std::vector<std::string>{"c1", "c1", "c1", "c1", "c2"});
}

TEST_CASE("weighted: lowest (inflight + 1) / limit * average run ms wins") {
  auto a = with("version: 1\ndefaults: { strategy: weighted, "
                "max_inflight_per_consumer: 10 }\n");
  auto cs = members(2, {}, 100);
  a.record_run("c1", "t", 10); // slow
  a.record_run("c2", "t", 2);  // five times faster
  cs[1].inflight = 3;          // c1: 1/10 * 10 = 1.0; c2: 4/10 * 2 = 0.8
  CHECK(assign(a, make_task("t"), cs) == "c2");
  // c2 at 4: 5/10 * 2 = 1.0 ties c1 (ties rotate on); at 5: 1.2 > 1.0.
  cs[1].inflight = 5;
  CHECK(assign(a, make_task("t"), cs) == "c1");
  // Over many tasks the faster member carries about 5x the load.
  cs = members(2, {}, 100);
  a.use(rules_from("version: 1\ndefaults: { strategy: weighted, "
                   "max_inflight_per_consumer: 60 }\n"));
  for (int i = 0; i < 60; ++i)
    assign(a, make_task("t"), cs);
  CHECK(cs[0].inflight == 10);
  CHECK(cs[1].inflight == 50);
}

TEST_CASE("weighted gives a member without data the mean of the known averages") {
  auto a = with("version: 1\ndefaults: { strategy: weighted, "
                "max_inflight_per_consumer: 10 }\n");
  auto cs = members(3, {}, 100);
  a.record_run("c1", "t", 4);
  a.record_run("c2", "t", 8);   // mean 6: c3 scores 1/10 * 6 = 0.6
  cs[0].inflight = 1;           // c1: 2/10 * 4 = 0.8
  CHECK(assign(a, make_task("t"), cs) == "c3");
  // With no data at all, weighted is least-loaded on (inflight + 1) / limit.
  cs = members(2, {}, 100);
  cs[0].inflight = 2;
  CHECK(assign(a, make_task("other"), cs) == "c2");
}

TEST_CASE("a new rule set takes effect at once and the old pointers stay valid while held") {
  auto first = rules_from("version: 1\nrules:\n  - name: a\n    match: { type: x }\n");
  assigner a;
  a.use(first);
  auto cs = members(2);
  CHECK(a.choose(make_task("x"), cs).matched == &first->rules[0]);
  auto second = rules_from("version: 2\nrules:\n  - name: b\n    match: { type: x }\n");
  a.use(second);
  auto c = a.choose(make_task("x"), cs);
  REQUIRE(c.matched);
  CHECK(c.matched->name == "b");
  CHECK(first->rules[0].name == "a");
  a.use(nullptr); // back to the defaults
  CHECK(a.choose(make_task("x"), cs).matched == nullptr);
}

TEST_CASE("a change in the number of members is noticed without members_changed") {
  auto a = with(one_strategy("round_robin"));
  auto cs = members(1);
  CHECK(assign(a, make_task("noop"), cs) == "c1");
  cs.push_back(candidate{"c2", {"gpu"}, 64, 0, true, test_types()});
  CHECK(assign(a, make_task("noop", priority::normal, {"gpu"}), cs) == "c2");
}

TEST_CASE("least_loaded with a load index hands out runs of limit/8 from 128 members on") {
  for (int n : {127, 1000}) {
    assigner a;
    a.use(rules_from("version: 1\ndefaults: { strategy: least_loaded, "
                     "max_inflight_per_consumer: 64 }\n"));
    a.track_loads(true);
    auto cs = members(n);
    std::vector<int> order;
    for (int k = 0; k < 16 * n; ++k) {
      auto c = a.choose(make_task("t"), cs);
      REQUIRE(c.status == choice_status::chosen);
      ++cs[c.index].inflight;
      a.load_changed(c.index);
      order.push_back(c.index);
      uint32_t lo = 64, hi = 0;
      for (auto& m : cs)
        lo = std::min(lo, m.inflight), hi = std::max(hi, m.inflight);
      REQUIRE(hi - lo <= (n >= 128 ? 8u : 1u)); // even within a run
    }
    int run = n >= 128 ? 8 : 1;
    for (int k = 0; k < 2 * n; ++k) // member i gets tasks i*run .. i*run+run-1, twice round
      CHECK(order[k] == (k / run) % n);
  }
}

} // TEST_SUITE
