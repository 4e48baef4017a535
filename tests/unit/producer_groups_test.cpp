// Producer groups on their own: one active producer per group, the earliest
// standby promoted when the active one's grace runs out, an orphaned group
// handed to the next producer that joins, and stale grace timers ignored.
#include <doctest/doctest.h>

#include "manager/producer_groups.hpp"

using namespace drover;

namespace {

member_info producer(const std::string& node, const std::string& group) {
  member_info m;
  m.node = node;
  m.role = member_role::producer;
  m.group = group;
  return m;
}

using role = producer_groups::role;

} // namespace

TEST_SUITE("producer_groups") {

TEST_CASE("the first of a group is active, the others stand by") {
  producer_groups g;
  CHECK(g.join(producer("p1", "g"), false).as == role::active);
  auto p2 = g.join(producer("p2", "g"), false);
  CHECK(p2.as == role::standby);
  CHECK(p2.active == "p1");
  CHECK(g.join(producer("p3", "h"), false).as == role::active);
  CHECK(g.active_of("g") == "p1");
  CHECK(g.active_of("h") == "p3");
  CHECK(g.is_active("p1"));
  CHECK_FALSE(g.is_active("p2"));
  CHECK(g.size() == 3);
}

TEST_CASE("the active one lost past its grace, the earliest standby takes over") {
  producer_groups g;
  g.join(producer("p1", "g"), false);
  g.join(producer("p2", "g"), false);
  g.join(producer("p3", "g"), false);
  auto l = g.lose("p1");
  REQUIRE(l);
  CHECK(l->was_active);
  CHECK_FALSE(g.pushing("p1", "g")); // lost: not pushing while its grace runs
  CHECK(g.active_of("g") == "p1");   // still active until the grace ends
  auto e = g.expire("p1", l->gen, true);
  REQUIRE(e);
  CHECK(e->was_active);
  CHECK(e->successor == "p2");
  CHECK_FALSE(e->orphaned);
  CHECK(g.active_of("g") == "p2");
  CHECK(g.member("p1") == nullptr);
}

TEST_CASE("back within the grace, the timer is stale and nothing moves") {
  producer_groups g;
  g.join(producer("p1", "g"), false);
  g.join(producer("p2", "g"), false);
  auto l = g.lose("p1");
  REQUIRE(l);
  auto again = g.join(producer("p1", "g"), true);
  CHECK(again.as == role::active_again);
  CHECK(again.back);
  CHECK_FALSE(g.expire("p1", l->gen, true));
  CHECK(g.active_of("g") == "p1");
  CHECK(g.pushing("p1", "g"));
}

TEST_CASE("no standby, the group waits and the next producer continues the lost one's jobs") {
  producer_groups g;
  g.join(producer("p1", "g"), false);
  auto l = g.lose("p1");
  REQUIRE(l);
  auto e = g.expire("p1", l->gen, true);
  REQUIRE(e);
  CHECK(e->orphaned);
  CHECK(e->successor.empty());
  CHECK(g.active_of("g").empty());
  auto p9 = g.join(producer("p9", "g"), false);
  CHECK(p9.as == role::active);
  CHECK(p9.takes_over == "p1");
  // handed over once
  auto l9 = g.lose("p9");
  REQUIRE(l9);
  e = g.expire("p9", l9->gen, false);
  REQUIRE(e); // it left nothing unfinished
  CHECK_FALSE(e->orphaned);
  CHECK(g.join(producer("p10", "g"), false).takes_over.empty());
}

TEST_CASE("a standby that leaves hands nothing over, an unknown producer is ignored") {
  producer_groups g;
  g.join(producer("p1", "g"), false);
  g.join(producer("p2", "g"), false);
  auto l = g.lose("p2");
  REQUIRE(l);
  CHECK_FALSE(l->was_active);
  auto e = g.expire("p2", l->gen, true);
  REQUIRE(e);
  CHECK_FALSE(e->was_active);
  CHECK(g.active_of("g") == "p1");
  CHECK_FALSE(g.lose("nobody"));
}

TEST_CASE("the earliest join wins promotion, a new process rejoining goes to the back") {
  producer_groups g;
  g.join(producer("p1", "g"), false);
  g.join(producer("p2", "g"), false);
  g.join(producer("p3", "g"), false);
  g.join(producer("p2", "g"), false); // p2 restarted: a new process, joins last
  auto l = g.lose("p1");
  REQUIRE(l);
  auto e = g.expire("p1", l->gen, true);
  REQUIRE(e);
  CHECK(e->successor == "p3");
}

} // TEST_SUITE
