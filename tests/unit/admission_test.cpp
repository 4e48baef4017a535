// Admission on its own: a list is admitted whole or refused whole, reserved
// room counts until the list is stored, parked tasks count as queued, and
// refusals are counted per priority and per list.
#include <doctest/doctest.h>

#include "manager/admission.hpp"
#include "rules/waiting.hpp"

using namespace drover;

namespace {

std::vector<task_spec> specs(uint32_t n, priority p = priority::normal) {
  task_spec s;
  s.type = "noop";
  s.prio = p;
  return std::vector<task_spec>(n, s);
}

bounded_queues small_queues(uint64_t capacity, uint64_t standby) {
  queue_limits lim;
  lim.capacity = {capacity, capacity, capacity};
  lim.standby = standby;
  return bounded_queues{lim};
}

} // namespace

TEST_SUITE("admission") {

TEST_CASE("need_of counts a list's tasks per priority") {
  auto list = specs(2, priority::high);
  auto low = specs(3, priority::low);
  list.insert(list.end(), low.begin(), low.end());
  CHECK(admission::need_of(list) == prio_counts{2, 0, 3});
}

TEST_CASE("a list that fits is admitted and its room reserved until released") {
  auto q = small_queues(4, 2);
  waiting_tasks parked;
  admission a;
  auto need = admission::need_of(specs(5));
  REQUIRE(a.admit(need, q, parked)); // 4 queued + 1 standby
  CHECK(a.reserved() == prio_counts{0, 5, 0});
  CHECK_FALSE(a.admit(admission::need_of(specs(2)), q, parked)); // only 1 left
  CHECK(a.rejected() == prio_counts{0, 2, 0});
  CHECK(a.rejected_lists() == 1);
  CHECK(a.admit(admission::need_of(specs(1)), q, parked));
  a.release(need);
  CHECK(a.reserved() == prio_counts{0, 1, 0});
  a.release(need); // more than reserved: never below zero
  CHECK(a.reserved() == prio_counts{});
}

TEST_CASE("parked tasks count as queued") {
  auto q = small_queues(2, 0);
  waiting_tasks parked;
  parked.park(1, 1, priority::normal, unassignable_kind::no_type, "x", {}, {});
  admission a;
  CHECK_FALSE(a.admit(admission::need_of(specs(2)), q, parked));
  CHECK(a.admit(admission::need_of(specs(1)), q, parked));
  CHECK(a.fullness(q, parked) == "high 0/2, normal 2/2, low 0/2, standby 0/0");
}

TEST_CASE("another priority's room is its own") {
  auto q = small_queues(1, 0);
  waiting_tasks parked;
  admission a;
  REQUIRE(a.admit(admission::need_of(specs(1, priority::high)), q, parked));
  CHECK(a.admit(admission::need_of(specs(1, priority::low)), q, parked));
  CHECK_FALSE(a.admit(admission::need_of(specs(1, priority::high)), q, parked));
  CHECK(a.rejected() == prio_counts{1, 0, 0});
}

} // TEST_SUITE
