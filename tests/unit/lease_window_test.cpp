// The lease window (core/lease_window): capacity plus prefetch while a
// consumer's tasks are short; the consumer's line of tasks waiting for a
// slot (core/waiting_line); and a timeout counted from the start
// (core/task_state's check_timeout).
#include <doctest/doctest.h>

#include "core/lease_window.hpp"
#include "core/task_state.hpp"
#include "core/waiting_line.hpp"

using namespace drover;

namespace {

assignment leased(task_id id, uint64_t lease = 7) {
  return assignment{id, lease, 1, 0, "sleep", "5"};
}

task timed(task_state state, uint32_t timeout_ms) {
  task t;
  t.id = 1;
  t.state = state;
  t.spec.timeout_ms = timeout_ms;
  t.assigned_ms = 1000;
  return t;
}

} // namespace

TEST_SUITE("lease window") {

TEST_CASE("--prefetch reads auto or a whole number of tasks, and says what to write otherwise") {
  CHECK(*parse_prefetch("auto") == auto_prefetch);
  CHECK(*parse_prefetch("0") == 0);
  CHECK(*parse_prefetch("100000") == 100000);
  for (const char* bad : {"", "-1", "1.5", "12x", "100001", "AUTO", " 5", "99999999999999999999"}) {
    auto p = parse_prefetch(bad);
    INFO(bad);
    REQUIRE_FALSE(p);
    CHECK(p.err().code == ec::bad_input);
    CHECK(p.err().message.find("auto or a whole number") != std::string::npos);
  }
}

TEST_CASE("auto prefetches three times the capacity, bounded, and a number is taken as it is") {
  CHECK(prefetch_for(64, auto_prefetch) == 192);
  CHECK(prefetch_for(1, auto_prefetch) == 3);
  CHECK(prefetch_for(1'000'000, auto_prefetch) == max_prefetch);
  CHECK(prefetch_for(64, 0) == 0);
  CHECK(prefetch_for(64, 500) == 500);
}

TEST_CASE("the prefetch counts only while the consumer's tasks are short on average") {
  CHECK(lease_window(64, 192, -1) == 64);      // nothing measured yet
  CHECK(lease_window(64, 192, 0) == 256);      // microsecond tasks
  CHECK(lease_window(64, 192, 9'999) == 256);
  CHECK(lease_window(64, 192, short_task_us) == 64); // long tasks: as slots free
  CHECK(lease_window(64, 0, 0) == 64);
  CHECK(lease_window(UINT32_MAX, 5, 0) == UINT32_MAX); // no overflow
}

TEST_CASE("the run-time mean starts at the first batch and then moves by an eighth") {
  run_time_mean m;
  CHECK(m.us() < 0);
  m.add(0, 0); // an empty batch tells nothing
  CHECK(m.us() < 0);
  m.add(800, 4); // 200 µs each
  CHECK(m.us() == doctest::Approx(200));
  m.add(1000, 1); // one long run: 200 + (1000 - 200) / 8
  CHECK(m.us() == doctest::Approx(300));
  for (int i = 0; i < 100; ++i)
    m.add(20'000 * 10, 10); // long tasks from now on: the window closes
  CHECK(lease_window(4, 12, m.us()) == 4);
}

TEST_CASE("tasks wait in arrival order while the slots are taken, and never jump the line") {
  waiting_line w;
  CHECK_FALSE(w.must_wait(1, 2));
  CHECK(w.must_wait(2, 2));
  w.push(leased(1));
  w.push(leased(2));
  CHECK(w.must_wait(0, 2)); // others wait: a newcomer goes behind them
  CHECK_FALSE(w.next(2, 2)); // no free slot
  auto first = w.next(1, 2);
  REQUIRE(first);
  CHECK(first->id == 1);
  CHECK(w.next(0, 2)->id == 2);
  CHECK(w.empty());
  CHECK_FALSE(w.next(0, 2));
}

TEST_CASE("a waiting task can be dropped, re-reported, or handed back with the rest") {
  waiting_line w;
  w.push(leased(1));
  w.push(leased(2, 9));
  w.push(leased(3));
  CHECK_FALSE(w.drop(2, 7)); // another lease: not this attempt
  CHECK(w.drop(2, 9));
  CHECK_FALSE(w.drop(2, 9));
  auto held = w.leases();
  REQUIRE(held.size() == 2);
  CHECK(held[0].id == 1);
  CHECK(held[1].id == 3);
  auto back = w.take_all();
  CHECK(back.size() == 2);
  CHECK(w.empty());
  CHECK(w.leases().empty());
}

} // TEST_SUITE

TEST_SUITE("timeouts from the start") {

TEST_CASE("a running attempt's timeout counts from its start, not its assignment") {
  auto t = timed(task_state::running, 500);
  t.started_ms = 1300; // waited 300 ms for a slot
  auto at_assign_deadline = check_timeout(t, true, 1500);
  CHECK_FALSE(at_assign_deadline.expired);
  CHECK(at_assign_deadline.wait_ms == 300);
  CHECK(check_timeout(t, true, 1799).wait_ms == 1);
  CHECK(check_timeout(t, true, 1800).expired);
  CHECK(check_timeout(t, false, 1800).expired); // whoever runs it
}

TEST_CASE("an attempt waiting at a consumer that reports starts has not begun") {
  auto t = timed(task_state::assigned, 500);
  auto check = check_timeout(t, true, 1500);
  CHECK_FALSE(check.expired);
  CHECK(check.wait_ms == 500); // looked at again one timeout later
  CHECK_FALSE(check_timeout(t, true, 100'000).expired);
}

TEST_CASE("an assigned attempt at a member that reports no starts counts from its assignment") {
  auto t = timed(task_state::assigned, 500);
  CHECK(check_timeout(t, false, 1499).wait_ms == 1);
  CHECK(check_timeout(t, false, 1500).expired);
  CHECK(check_timeout(t, false, 9000).expired);
}

} // TEST_SUITE
