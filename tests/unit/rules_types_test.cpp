// Task types (rules/assign.hpp, rules/member_view.hpp): a task goes only to a
// member that announced its type, under every strategy; an unassignable
// choice says why; and the manager's waiting room (rules/waiting.hpp) counts
// the parked tasks per job and reason. No actors.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rules/assign.hpp"
#include "rules/waiting.hpp"
#include "rules_test_support.hpp"

using namespace drover;

namespace {

std::shared_ptr<const rule_set> defaults_with(const std::string& strategy) {
  return rules_from("version: 1\ndefaults: { strategy: " + strategy
                    + (strategy == "hash" ? ", key: key" : "")
                    + ", max_inflight_per_consumer: 1000 }\n");
}

/// c1 runs noop, c2 runs resize and noop, c3 runs resize only (gpu).
std::vector<candidate> typed_members(uint32_t capacity = 64) {
  return {candidate{"c1", {}, capacity, 0, true, {"noop"}},
          candidate{"c2", {}, capacity, 0, true, {"noop", "resize"}},
          candidate{"c3", {"gpu"}, capacity, 0, true, {"resize"}}};
}

} // namespace

TEST_SUITE("rules: task types") {

TEST_CASE("every strategy gives a task only to members that run its type") {
  for (std::string s : {"round_robin", "least_loaded", "hash", "fastest", "random", "weighted"}) {
    CAPTURE(s);
    assigner a;
    a.use(defaults_with(s));
    auto cs = typed_members(1000);
    for (int i = 0; i < 300; ++i) {
      const char* type = i % 3 == 0 ? "noop" : "resize"; // alternating: the cache misses too
      auto t = make_task(type, priority::normal, {}, "k" + std::to_string(i));
      auto c = a.choose(t, cs);
      REQUIRE(c.status == choice_status::chosen);
      CAPTURE(type);
      const auto& runs = cs[c.index].types;
      CHECK(std::find(runs.begin(), runs.end(), type) != runs.end());
      ++cs[c.index].inflight;
    }
  }
}

TEST_CASE("a type no member runs is unassignable, saying no_type") {
  assigner a;
  auto cs = typed_members();
  auto c = a.choose(make_task("thumb"), cs);
  CHECK(c.status == choice_status::unassignable);
  CHECK(c.why == unassignable_kind::no_type);
  std::vector<candidate> none;
  CHECK(a.choose(make_task("noop"), none).why == unassignable_kind::no_type);
}

TEST_CASE("a member that announced no types runs nothing") {
  assigner a;
  std::vector<candidate> cs{candidate{"c1", {}, 64, 0, true, {}}};
  auto c = a.choose(make_task("noop"), cs);
  CHECK(c.status == choice_status::unassignable);
  CHECK(c.why == unassignable_kind::no_type);
}

TEST_CASE("the type runs, but not with the wanted tags: no_tags") {
  assigner a;
  auto cs = typed_members();
  // gpu is offered only by c3, which does not run noop
  auto c = a.choose(make_task("noop", priority::normal, {"gpu"}), cs);
  CHECK(c.status == choice_status::unassignable);
  CHECK(c.why == unassignable_kind::no_tags);
  // a tag nobody offers at all
  c = a.choose(make_task("resize", priority::normal, {"tpu"}), cs);
  CHECK(c.why == unassignable_kind::no_tags);
  // c3 runs resize with gpu
  c = a.choose(make_task("resize", priority::normal, {"gpu"}), cs);
  REQUIRE(c.status == choice_status::chosen);
  CHECK(cs[c.index].node == "c3");
}

TEST_CASE("members run the type with the tags but the rule's to: filter admits none: rule") {
  assigner a;
  a.use(rules_from("version: 1\n"
                   "rules:\n"
                   "  - name: on-gpu\n"
                   "    match: { type: noop }\n"
                   "    to: { tags: [gpu] }\n"));
  auto cs = typed_members();
  auto c = a.choose(make_task("noop"), cs);
  CHECK(c.status == choice_status::unassignable);
  CHECK(c.why == unassignable_kind::rule);
  REQUIRE(c.matched);
  CHECK(c.matched->name == "on-gpu");
}

TEST_CASE("busy members that run the type make a task wait as busy, not unassignable") {
  assigner a;
  a.use(defaults_with("least_loaded"));
  auto cs = typed_members();
  cs[0].accepting = false; // c1, the only noop runner besides c2
  cs[1].inflight = 1000;   // c2 full
  auto c = a.choose(make_task("noop"), cs);
  CHECK(c.status == choice_status::busy);
  CHECK(c.why == unassignable_kind::none);
}

TEST_CASE("a member that starts running a type is seen after members_changed") {
  assigner a;
  auto cs = typed_members();
  CHECK(a.choose(make_task("thumb"), cs).status == choice_status::unassignable);
  cs[0].types.push_back("thumb");
  a.members_changed();
  auto c = a.choose(make_task("thumb"), cs);
  REQUIRE(c.status == choice_status::chosen);
  CHECK(cs[c.index].node == "c1");
  // and stops again: a swap that removed its handler
  cs[0].types = {"noop"};
  a.members_changed();
  CHECK(a.choose(make_task("thumb"), cs).why == unassignable_kind::no_type);
}

TEST_CASE("member_view maps types to ids and caches the last one correctly") {
  member_view v;
  v.build(typed_members(), default_rules());
  auto noop = v.type_id("noop");
  auto resize = v.type_id("resize");
  REQUIRE(noop >= 0);
  REQUIRE(resize >= 0);
  CHECK(noop != resize);
  CHECK(v.type_id("thumb") == -1);
  CHECK(v.type_id("noop") == noop); // after a miss on "thumb"
  CHECK(v.type_id("resiz") == -1);  // a prefix is another type
  CHECK(v.runs(0, static_cast<uint32_t>(noop)));
  CHECK_FALSE(v.runs(0, static_cast<uint32_t>(resize)));
  CHECK(v.runs(2, static_cast<uint32_t>(resize)));
  CHECK_FALSE(v.runs(2, static_cast<uint32_t>(noop)));
}

TEST_CASE("more than 64 types per member still map to the right bits") {
  std::vector<std::string> many;
  for (int i = 0; i < 150; ++i)
    many.push_back("t" + std::to_string(i));
  std::vector<candidate> cs{candidate{"a", {}, 64, 0, true, many},
                            candidate{"b", {}, 64, 0, true, {"t149"}}};
  member_view v;
  v.build(cs, default_rules());
  for (int i = 0; i < 150; ++i) {
    auto id = v.type_id("t" + std::to_string(i));
    REQUIRE(id >= 0);
    CHECK(v.runs(0, static_cast<uint32_t>(id)));
    CHECK(v.runs(1, static_cast<uint32_t>(id)) == (i == 149));
  }
}

TEST_CASE("the reasons read as sentences") {
  CHECK(describe(unassignable_kind::no_type, "resize", "")
        == "no live consumer runs type 'resize'");
  CHECK(describe(unassignable_kind::no_tags, "render", "gpu,ssd")
        == "no live consumer that runs type 'render' has tags [gpu,ssd]");
  CHECK(describe(unassignable_kind::rule, "noop", "on-gpu")
        == "rule 'on-gpu' admits no live consumer that runs type 'noop' (see its to: filter)");
}

TEST_CASE("parked tasks are counted per job and reason until taken or forgotten") {
  waiting_tasks w;
  std::vector<std::string> none, gpu{"gpu"};
  for (task_id id = 1; id <= 5; ++id)
    w.park(id, 1, priority::normal, unassignable_kind::no_type, "resize", none, "");
  w.park(6, 1, priority::high, unassignable_kind::no_tags, "render", gpu, "");
  w.park(7, 2, priority::low, unassignable_kind::no_type, "resize", none, "");
  w.park(8, 2, priority::low, unassignable_kind::rule, "noop", none, "on-gpu");
  CHECK(w.size() == 8);
  CHECK(w.count_of(1) == 6);
  CHECK(w.count_of(2) == 2);
  CHECK(w.count(priority::normal) == 5);
  CHECK(w.count(priority::high) == 1);
  CHECK(w.count(priority::low) == 2);
  auto g1 = w.groups_of(1);
  REQUIRE(g1.size() == 2);
  CHECK(g1[0].why == "no_type");
  CHECK(g1[0].type == "resize");
  CHECK(g1[0].tasks == 5);
  CHECK(g1[0].reason == "no live consumer runs type 'resize'");
  CHECK(g1[1].why == "no_tags");
  CHECK(g1[1].detail == "gpu");
  auto all = w.groups();
  REQUIRE(all.size() == 3);
  CHECK(all[0].tasks == 6); // resize over both jobs
  CHECK(all[1].why == "no_tags"); // ties by reason text
  CHECK(all[2].detail == "on-gpu");

  w.forget(3);
  w.forget(99); // not parked: nothing changes
  CHECK(w.count_of(1) == 5);
  CHECK(w.count(priority::normal) == 4);
  w.forget_job(2);
  CHECK(w.count_of(2) == 0);
  CHECK(w.groups_of(2).empty());
  CHECK(w.count(priority::low) == 0);
  CHECK(w.size() == 5);

  auto ids = w.take_all();
  CHECK(ids == std::vector<task_id>{1, 2, 4, 5, 6});
  CHECK(w.size() == 0);
  CHECK(w.count_of(1) == 0);
  CHECK(w.groups().empty());
  // usable again afterwards, with a reason seen before
  w.park(9, 3, priority::normal, unassignable_kind::no_type, "resize", none, "");
  CHECK(w.groups_of(3).at(0).tasks == 1);
}

TEST_CASE("the same type with other tags is another reason, not a cached one") {
  waiting_tasks w;
  std::vector<std::string> gpu{"gpu"}, tpu{"tpu"};
  w.park(1, 1, priority::normal, unassignable_kind::no_tags, "render", gpu, "");
  w.park(2, 1, priority::normal, unassignable_kind::no_tags, "render", tpu, "");
  w.park(3, 1, priority::normal, unassignable_kind::no_tags, "render", gpu, "");
  w.park(4, 1, priority::normal, unassignable_kind::rule, "render", gpu, "r1");
  w.park(5, 1, priority::normal, unassignable_kind::rule, "render", gpu, "r2");
  auto g = w.groups_of(1);
  REQUIRE(g.size() == 4);
  CHECK(g[0].detail == "gpu");
  CHECK(g[0].tasks == 2);
}

} // TEST_SUITE
