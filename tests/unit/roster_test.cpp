// The roster on its own: members stay listed when lost or left, with since
// when and why, come back, change mode, count their attempts, and leave the
// list only when an operator forgets them (never while up).
#include <doctest/doctest.h>

#include "core/roster.hpp"

using namespace drover;

namespace {

member_info consumer(const std::string& node) {
  member_info m;
  m.node = node;
  m.role = member_role::consumer;
  return m;
}

} // namespace

TEST_SUITE("roster") {

TEST_CASE("a lost member stays listed with when and why, and comes back") {
  roster r;
  CHECK(r.joined(consumer("c1"), 1000) == roster::join_kind::first);
  CHECK(r.gone(member_role::consumer, "c1", presence::lost, "missed 3 heartbeats", 5000));
  auto* e = r.find(member_role::consumer, "c1");
  REQUIRE(e != nullptr);
  CHECK(e->state == presence::lost);
  CHECK(e->since_ms == 5000);
  CHECK(e->reason == "missed 3 heartbeats");
  CHECK(e->first_joined_ms == 1000);
  // A second loss report changes nothing: the first reason and time stand.
  CHECK_FALSE(r.gone(member_role::consumer, "c1", presence::left, "deregistered", 6000));
  CHECK(r.find(member_role::consumer, "c1")->since_ms == 5000);
  CHECK(r.joined(consumer("c1"), 9000) == roster::join_kind::back);
  e = r.find(member_role::consumer, "c1");
  CHECK(e->state == presence::up);
  CHECK(e->since_ms == 9000);
  CHECK(e->reason == "back after: missed 3 heartbeats");
  CHECK(e->joins == 2);
  CHECK(r.joined(consumer("c1"), 9500) == roster::join_kind::again);
  CHECK(r.find(member_role::consumer, "c1")->since_ms == 9000);
}

TEST_CASE("an unknown member's loss is ignored") {
  roster r;
  CHECK_FALSE(r.gone(member_role::consumer, "ghost", presence::lost, "down", 1));
  CHECK(r.entries().empty());
}

TEST_CASE("forget drops a gone member, refuses one that is up or unknown") {
  roster r;
  r.joined(consumer("c1"), 1);
  auto up = r.forget("c1");
  REQUIRE_FALSE(up);
  CHECK(up.err().code == ec::bad_transition);
  CHECK(r.forget("nobody").err().code == ec::unknown_member);
  r.gone(member_role::consumer, "c1", presence::left, "deregistered", 2);
  auto dropped = r.forget("c1");
  REQUIRE(dropped);
  REQUIRE(dropped->size() == 1);
  CHECK(dropped->front().reason == "deregistered");
  CHECK(r.find(member_role::consumer, "c1") == nullptr);
}

TEST_CASE("a producer and a consumer of one node are two entries, forget takes the gone one") {
  roster r;
  member_info p = consumer("n1");
  p.role = member_role::producer;
  r.joined(p, 1);
  r.joined(consumer("n1"), 1);
  r.gone(member_role::consumer, "n1", presence::lost, "down", 2);
  CHECK(r.of_node("n1").size() == 2);
  auto dropped = r.forget("n1");
  REQUIRE(dropped);
  CHECK(dropped->size() == 1);
  CHECK(r.find(member_role::producer, "n1") != nullptr);
}

TEST_CASE("modes and attempts are counted per consumer") {
  roster r;
  r.joined(consumer("c1"), 1);
  CHECK(r.set_mode("c1", node_mode::draining, "drain command by rest", 7));
  CHECK_FALSE(r.set_mode("c1", node_mode::draining, "again", 8));
  CHECK_FALSE(r.set_mode("nobody", node_mode::asleep, "x", 8));
  r.count_attempt("c1", false);
  r.count_attempt("c1", true);
  r.count_attempt("nobody", true);
  auto* e = r.find(member_role::consumer, "c1");
  CHECK(e->mode == node_mode::draining);
  CHECK(e->mode_since_ms == 7);
  CHECK(e->mode_reason == "drain command by rest");
  CHECK(r.attempts_of("c1").executed == 2);
  CHECK(r.attempts_of("c1").failed == 1);
  CHECK(r.attempts_of("nobody").executed == 1);
  CHECK(r.attempts_of("never").executed == 0);
}

TEST_CASE("past the limit, the member gone longest is dropped first") {
  roster r;
  for (std::size_t i = 0; i <= roster::gone_limit; ++i) {
    auto name = "c" + std::to_string(i);
    r.joined(consumer(name), 0);
    r.gone(member_role::consumer, name, presence::lost, "down", static_cast<int64_t>(i + 1));
  }
  CHECK(r.entries().size() == roster::gone_limit);
  CHECK(r.find(member_role::consumer, "c0") == nullptr);
  CHECK(r.find(member_role::consumer, "c1") != nullptr);
}

TEST_CASE("a member back or forgotten no longer counts as gone, ties go in name order") {
  roster r;
  for (std::size_t i = 0; i < roster::gone_limit; ++i) {
    auto name = "c" + std::to_string(i);
    r.joined(consumer(name), 0);
    r.gone(member_role::consumer, name, presence::lost, "down", 5); // all gone at once
  }
  r.joined(consumer("c0"), 6); // back: up again
  REQUIRE(r.forget("c1"));     // forgotten: gone from the list
  r.joined(consumer("x1"), 7);
  r.gone(member_role::consumer, "x1", presence::left, "bye", 8);
  r.joined(consumer("x2"), 9);
  r.gone(member_role::consumer, "x2", presence::left, "bye", 10);
  CHECK(r.entries().size() == roster::gone_limit + 1); // 499 gone + c0 up
  r.joined(consumer("x3"), 11);
  r.gone(member_role::consumer, "x3", presence::left, "bye", 12); // 501 gone: one goes
  CHECK(r.entries().size() == roster::gone_limit + 1);
  CHECK(r.find(member_role::consumer, "c0") != nullptr);  // up: never dropped
  CHECK(r.find(member_role::consumer, "c10") == nullptr); // oldest, first by name of c2..c499
  CHECK(r.find(member_role::consumer, "c100") != nullptr);
  CHECK(r.find(member_role::consumer, "x3") != nullptr);
}

}
