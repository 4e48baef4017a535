// The load index of least_loaded (rules/load_index.hpp) on its own: levels
// of equal load, ties from the cursor with wrapping, members without room,
// and sets past 4,096 slots (a second summary word). The comparison with the
// scan it replaces is a property test (least_loaded_property_test.cpp).
#include <doctest/doctest.h>

#include "rules/load_index.hpp"

using namespace drover;

TEST_SUITE("rules") {

TEST_CASE("a slot set finds the first slot from a position, wrapping") {
  slot_set s;
  s.reset(10000);
  CHECK(s.first_from(0) == -1);
  s.insert(9999);
  CHECK(s.first_from(0) == 9999);
  CHECK(s.first_from(9999) == 9999);
  s.insert(5);
  s.insert(4100); // in the second summary word
  CHECK(s.first_from(6) == 4100);
  CHECK(s.first_from(4101) == 9999);
  s.erase(9999);
  CHECK(s.first_from(4101) == 5); // wraps
  s.erase(5);
  s.erase(4100);
  CHECK(s.first_from(123) == -1);
}

TEST_CASE("the least loaded member wins, equal loads are one level, ties go from the cursor") {
  load_index ix;
  ix.reset(6);
  ix.set(0, true, 2, 4); // 1/2
  ix.set(1, true, 1, 2); // 1/2 as well: the same level
  ix.set(2, true, 3, 4); // 3/4
  ix.set(3, false, 0, 4); // no room: never chosen
  ix.set(4, true, 1, 4); // 1/4: the least
  ix.set(5, true, 2, 8); // 1/4
  CHECK(ix.with_room() == 5);
  CHECK(ix.least(0) == 4);
  CHECK(ix.least(5) == 5);
  ix.set(4, true, 3, 4);
  ix.set(5, true, 6, 8); // 3/4
  CHECK(ix.least(0) == 0);
  CHECK(ix.least(1) == 1);
  CHECK(ix.least(2) == 0); // wraps past 2..5
  ix.set(3, true, 0, 4); // room again, idle: beats all
  CHECK(ix.least(4) == 3);
  ix.set(3, true, 0, 4); // unchanged: still one member
  CHECK(ix.with_room() == 6);
  for (uint32_t i = 0; i < 6; ++i)
    ix.set(i, false, 0, 1);
  CHECK(ix.with_room() == 0);
  CHECK(ix.least(0) == -1);
}

TEST_CASE("10,000 members: each choice is the least loaded, spread from the cursor") {
  load_index ix;
  const uint32_t n = 10000, limit = 64;
  ix.reset(n);
  std::vector<uint32_t> inflight(n, 0);
  for (uint32_t i = 0; i < n; ++i)
    ix.set(i, true, 0, limit);
  std::size_t cursor = 0;
  for (uint32_t k = 0; k < 3 * n; ++k) { // like least_loaded: one more each time, cursor after it
    auto got = ix.least(cursor % n);
    REQUIRE(got >= 0);
    auto slot = static_cast<uint32_t>(got);
    CHECK(slot == k % n); // the loads stay even: a round robin
    ++inflight[slot];
    ix.set(slot, inflight[slot] < limit, inflight[slot], limit);
    cursor = slot + 1;
  }
  ix.set(17, true, 0, limit); // one back to idle
  CHECK(ix.least(5000) == 17);
}

} // TEST_SUITE
