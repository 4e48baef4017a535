// The consumer pool on its own: a returning process keeps its leases, a new
// incarnation starts empty but keeps its grace generation and mode, members
// known from the store wait lost, and the candidates follow the members.
#include <doctest/doctest.h>

#include "manager/consumer_pool.hpp"

using namespace drover;

namespace {

member_info consumer(const std::string& node, uint32_t capacity = 4) {
  member_info m;
  m.node = node;
  m.role = member_role::consumer;
  m.capacity = capacity;
  m.types = {"noop"};
  return m;
}

} // namespace

TEST_SUITE("consumer_pool") {

TEST_CASE("a joined consumer is a candidate with its credit and types") {
  consumer_pool pool;
  auto j = pool.join(consumer("c1", 8), false);
  CHECK_FALSE(j.returned);
  CHECK_FALSE(j.new_incarnation);
  auto& cs = pool.candidates();
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].node == "c1");
  CHECK(cs[0].capacity == 8);
  CHECK(cs[0].types == std::vector<std::string>{"noop"});
  CHECK(cs[0].accepting);
  CHECK(pool.take_rebuilt());
  CHECK_FALSE(pool.take_rebuilt()); // once per rebuild
  CHECK(&pool.member_of(0) == pool.find("c1"));
}

TEST_CASE("credit in use shows in the candidates and never goes below zero") {
  consumer_pool pool;
  pool.join(consumer("c1"), false);
  auto* c = pool.find("c1");
  c->inflight = 2;
  CHECK(pool.candidates()[0].inflight == 2);
  c = pool.find("c1"); // a member is taken again for changes after candidates()
  c->release();
  c->release();
  c->release();
  CHECK(c->inflight == 0);
  CHECK(pool.candidates()[0].inflight == 0);
}

TEST_CASE("candidates() refreshes only the members taken for change since the last call") {
  consumer_pool pool;
  pool.join(consumer("c1"), false);
  pool.join(consumer("c2"), false);
  CHECK(pool.candidates()[1].inflight == 0);
  pool.find("c2")->inflight = 3;
  pool.member_of(0).inflight = 1;
  auto& cs = pool.candidates();
  CHECK(cs[0].inflight == 1);
  CHECK(cs[1].inflight == 3);
  // A const look changes nothing, so it refreshes nothing.
  const auto& seen = pool;
  CHECK(seen.find("c1")->inflight == 1);
  pool.for_each([](consumer_member& c) { c.mode = node_mode::asleep; });
  CHECK_FALSE(pool.candidates()[0].accepting);
  CHECK_FALSE(pool.candidates()[1].accepting);
  // After a leave the list is rebuilt whole, with the members' values.
  pool.find("c1")->mode = node_mode::awake;
  pool.erase("c2");
  REQUIRE(pool.candidates().size() == 1);
  CHECK(pool.candidates()[0].inflight == 1);
  CHECK(pool.candidates()[0].accepting);
}

TEST_CASE("refreshed() names the candidates the last candidates() refreshed") {
  consumer_pool pool;
  for (auto* n : {"c1", "c2", "c3"})
    pool.join(consumer(n), false);
  pool.candidates(); // the rebuild refreshes all
  CHECK(pool.refreshed() == std::vector<uint32_t>{0, 1, 2});
  pool.candidates();
  CHECK(pool.refreshed().empty()); // nothing taken for change
  pool.find("c3")->inflight = 2;
  pool.member_of(1).inflight = 1;
  pool.find("c3"); // twice: named once
  auto& cs = pool.candidates();
  CHECK(pool.refreshed() == std::vector<uint32_t>{2, 1}); // in the order taken
  CHECK(cs[2].inflight == 2);
  pool.for_each([](consumer_member&) {});
  pool.candidates();
  CHECK(pool.refreshed().size() == 3);
}

TEST_CASE("a lost, asleep or draining member accepts no work") {
  consumer_pool pool;
  pool.join(consumer("c1"), false);
  auto* c = pool.find("c1");
  c->grace.lose();
  CHECK_FALSE(pool.candidates()[0].accepting);
  c = pool.find("c1");
  c->grace.back();
  c->mode = node_mode::asleep;
  CHECK_FALSE(pool.candidates()[0].accepting);
  c = pool.find("c1");
  c->mode = node_mode::draining;
  CHECK_FALSE(c->accepting());
  c->mode = node_mode::awake;
  CHECK(pool.candidates()[0].accepting);
}

TEST_CASE("the same process back within its grace keeps its leases") {
  consumer_pool pool;
  pool.join(consumer("c1"), false);
  auto* c = pool.find("c1");
  c->inflight = 3;
  auto gen = c->grace.lose();
  auto j = pool.join(consumer("c1", 6), true);
  CHECK(j.returned);
  CHECK(j.was_lost);
  c = pool.find("c1");
  CHECK(c->inflight == 3);
  CHECK(c->info.capacity == 6);
  CHECK_FALSE(c->grace.lost());
  CHECK_FALSE(c->grace.current(gen)); // the running timer is stale
}

TEST_CASE("a new incarnation starts empty, keeps the grace generation and the mode") {
  consumer_pool pool;
  pool.join(consumer("c1"), false);
  auto* c = pool.find("c1");
  c->inflight = 3;
  c->mode = node_mode::asleep;
  auto gen = c->grace.lose();
  auto j = pool.join(consumer("c1"), false);
  CHECK(j.new_incarnation);
  CHECK_FALSE(j.returned);
  c = pool.find("c1");
  CHECK(c->inflight == 0);
  CHECK(c->mode == node_mode::asleep);   // asleep outlives a restart
  CHECK_FALSE(c->grace.current(gen));    // an old timer never matches
  c->mode = node_mode::draining;
  c->leaving = true;                     // drained on SIGTERM
  pool.join(consumer("c1"), false);
  CHECK(pool.find("c1")->mode == node_mode::awake);
  CHECK_FALSE(pool.find("c1")->leaving);
}

TEST_CASE("a member known from the store waits lost until its process joins") {
  consumer_pool pool;
  auto& c = pool.recovered("c9");
  c.in_doubt.insert(7);
  ++c.inflight;
  CHECK(c.recovered);
  CHECK(c.grace.lost());
  CHECK(&pool.recovered("c9") == &c); // once
  CHECK_FALSE(pool.candidates()[0].accepting);
  auto j = pool.join(consumer("c9"), false); // any process: the store knew the name
  CHECK(j.returned);
  CHECK(j.was_recovered);
  CHECK_FALSE(pool.find("c9")->recovered);
  CHECK(pool.find("c9")->in_doubt.size() == 1);
  CHECK(pool.find("c9")->inflight == 1);
}

TEST_CASE("a member that leaves is no candidate any more") {
  consumer_pool pool;
  pool.join(consumer("a"), false);
  pool.join(consumer("b"), false);
  REQUIRE(pool.candidates().size() == 2);
  pool.take_rebuilt();
  pool.erase("a");
  auto& cs = pool.candidates();
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].node == "b");
  CHECK(pool.take_rebuilt());
  CHECK(pool.count("a") == 0);
  CHECK(pool.size() == 1);
}

} // TEST_SUITE
