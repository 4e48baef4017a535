// The events feed on its own: sequence numbers without gaps, reads after a
// seq, the limit, what was dropped, and a client that saw a previous run.
#include <doctest/doctest.h>

#include "core/event_log.hpp"

using namespace drover;

TEST_SUITE("event_log") {

TEST_CASE("events get consecutive seqs, a read after S returns the newer ones") {
  event_log log{10};
  for (int i = 1; i <= 5; ++i)
    CHECK(log.add(event_type::member_joined, "c" + std::to_string(i), "joined", 100 * i) == uint64_t(i));
  auto all = log.after(0, 100);
  REQUIRE(all.events.size() == 5);
  CHECK(all.events.front().seq == 1);
  CHECK(all.last_seq == 5);
  CHECK_FALSE(all.dropped);
  auto newer = log.after(3, 100);
  REQUIRE(newer.events.size() == 2);
  CHECK(newer.events[0].seq == 4);
  CHECK(newer.events[0].node == "c4");
  CHECK(newer.events[0].at_ms == 400);
  auto none = log.after(5, 100);
  CHECK(none.events.empty());
  CHECK(none.last_seq == 5);
  CHECK_FALSE(none.reset);
}

TEST_CASE("a limit cuts the answer and says so, paging on continues without gaps") {
  event_log log{100};
  for (int i = 0; i < 7; ++i)
    log.add(event_type::reassigned, "c1", "moved", i, 3);
  auto first = log.after(0, 3);
  CHECK(first.events.size() == 3);
  CHECK(first.more);
  CHECK(first.last_seq == 3);
  auto second = log.after(first.last_seq, 3);
  CHECK(second.events.front().seq == 4);
  auto third = log.after(second.last_seq, 3);
  CHECK(third.events.size() == 1);
  CHECK_FALSE(third.more);
  CHECK(third.events.front().count == 3);
}

TEST_CASE("past the capacity the oldest are dropped, and a reader behind is told") {
  event_log log{3};
  for (int i = 0; i < 5; ++i)
    log.add(event_type::alert, "", "x", i);
  auto p = log.after(1, 100);
  CHECK(p.dropped);       // seq 2 is gone
  CHECK(p.oldest_seq == 3);
  REQUIRE(p.events.size() == 3);
  CHECK(p.events.front().seq == 3);
  CHECK_FALSE(log.after(2, 100).dropped); // 3 is the next it wants, and it is kept
}

TEST_CASE("a seq past the newest (another run of the manager) starts over") {
  event_log log{10};
  log.add(event_type::member_joined, "c1", "joined", 1);
  auto p = log.after(500, 100);
  CHECK(p.reset);
  REQUIRE(p.events.size() == 1);
  CHECK(p.events.front().seq == 1);
  event_log empty;
  CHECK(empty.after(7, 10).reset);
  CHECK(empty.after(0, 10).last_seq == 0);
}

TEST_CASE("every event type has a name") {
  for (int t = 0; t < event_type_count; ++t)
    CHECK(std::string{to_string(static_cast<event_type>(t))} != "unknown");
}

}
