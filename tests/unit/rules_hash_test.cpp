// The consistent-hash strategy (rules/assign.hpp, rules/hash_ring.hpp): keys
// stick to members while membership is stable and only ~1/N of them move when
// a member joins or leaves.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/assign.hpp"
#include "rules_test_support.hpp"

using namespace drover;

namespace {


assigner with(const std::string& yaml, uint64_t seed = 42) {
  assigner a{seed};
  a.use(rules_from(yaml));
  return a;
}

/// Node chosen for each of `n` keys, with inflight left untouched.
std::vector<std::string> owners(assigner& a, const std::vector<candidate>& cs, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    auto c = a.choose(make_task("deliver", priority::normal, {}, "user" + std::to_string(i)), cs);
    REQUIRE(c.status == choice_status::chosen);
    out.push_back(cs[c.index].node);
  }
  return out;
}

const char* hash_rules = "version: 1\n"
                         "rules:\n"
                         "  - name: per-user\n"
                         "    match: { type: deliver }\n"
                         "    strategy: hash\n"
                         "    key: key\n";

} // namespace

TEST_SUITE("rules") {

TEST_CASE("hash sends the same key to the same member while membership is stable") {
  auto a = with(hash_rules);
  auto cs = members(8);
  auto first = owners(a, cs, 1000);
  auto again = owners(a, cs, 1000);
  CHECK(first == again);
  std::map<std::string, int> per_node;
  for (const auto& n : first)
    per_node[n]++;
  CHECK(per_node.size() == 8); // every member owns some keys
  // Neither load nor the order of the candidate list moves keys.
  for (auto& c : cs)
    c.inflight = 3;
  CHECK(owners(a, cs, 1000) == first);
  std::reverse(cs.begin(), cs.end());
  a.members_changed();
  CHECK(owners(a, cs, 1000) == first);
}

TEST_CASE("hash: a 9th member takes about 1/9 of the keys, from the others only") {
  auto a = with(hash_rules);
  auto cs = members(8);
  auto before = owners(a, cs, 10000);
  cs.push_back(candidate{"c9", {}, 64, 0, true, test_types()});
  a.members_changed();
  auto after = owners(a, cs, 10000);
  int moved = 0;
  for (size_t i = 0; i < before.size(); ++i)
    if (before[i] != after[i]) {
      ++moved;
      CHECK(after[i] == "c9"); // keys only move to the newcomer
    }
  CAPTURE(moved);
  CHECK(moved > 500);  // 5%
  CHECK(moved < 2000); // 20%; 1/9 is 11.1%
}

TEST_CASE("hash: a member leaving moves only its own keys") {
  auto a = with(hash_rules);
  auto cs = members(8);
  auto before = owners(a, cs, 10000);
  cs.erase(cs.begin() + 3); // c4 leaves; later members shift in the list
  a.members_changed();
  auto after = owners(a, cs, 10000);
  int moved = 0;
  for (size_t i = 0; i < before.size(); ++i)
    if (before[i] != after[i]) {
      ++moved;
      CHECK(before[i] == "c4");
    }
  CHECK(moved == std::count(before.begin(), before.end(), "c4"));
  CHECK(moved > 0);
}

TEST_CASE("hash waits for a full owner instead of moving the key") {
  auto a = with("version: 1\ndefaults: { strategy: hash, key: key, "
                "max_inflight_per_consumer: 1 }\n");
  auto cs = members(4);
  auto t = make_task("deliver", priority::normal, {}, "user7");
  auto c = a.choose(t, cs);
  REQUIRE(c.status == choice_status::chosen);
  int owner = c.index;
  cs[owner].inflight = 1;
  CHECK(a.choose(t, cs).status == choice_status::busy);
  // A draining owner is skipped: its keys go to the next member on the ring.
  cs[owner].inflight = 0;
  cs[owner].accepting = false;
  c = a.choose(t, cs);
  REQUIRE(c.status == choice_status::chosen);
  CHECK(c.index != owner);
}

TEST_CASE("hash can use the job id, so a job's tasks stay together") {
  auto a = with("version: 1\ndefaults: { strategy: hash, key: job }\n");
  auto cs = members(8);
  std::map<uint64_t, std::string> owner;
  for (int i = 0; i < 200; ++i) {
    auto t = make_task("x", priority::normal, {}, "k" + std::to_string(i));
    t.job = i % 5;
    auto node = cs[a.choose(t, cs).index].node;
    auto [it, fresh] = owner.emplace(t.job, node);
    CHECK(it->second == node);
  }
}

} // TEST_SUITE
