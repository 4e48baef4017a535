// What a consumer holds (core/lease_book): running attempts and reports
// kept until the manager confirmed them stored, re-sent to a new manager.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/lease_book.hpp"

using namespace drover;

namespace {

task_report ok(task_id id, uint64_t lease) {
  return task_report{id, lease, task_outcome::succeeded, "r" + std::to_string(id), 1};
}

bool holds(const lease_book& b, task_id id, uint64_t lease) {
  auto h = b.held();
  return std::any_of(h.begin(), h.end(),
                     [&](const lease_ref& r) { return r.id == id && r.lease == lease; });
}

} // namespace

TEST_SUITE("lease book") {

TEST_CASE("a sent report is held until the manager confirms it stored") {
  lease_book b;
  CHECK(b.finished(ok(1, 5), false));
  auto sent = b.take_batch(0);
  REQUIRE(sent);
  CHECK(sent->seq != 0);
  REQUIRE(sent->reports.size() == 1);
  CHECK(sent->reports[0].result == "r1");
  CHECK(holds(b, 1, 5)); // sent, not yet stored: still ours to re-report
  CHECK_FALSE(b.take_batch(0)); // nothing new to send
  b.confirmed(sent->seq);
  CHECK(b.held().empty());
}

TEST_CASE("after a reconnect every unconfirmed report is sent again, oldest first") {
  lease_book b;
  b.finished(ok(1, 5), false);
  auto first = b.take_batch(0);
  REQUIRE(first);
  b.finished(ok(2, 7), false);
  REQUIRE(b.take_batch(0));
  b.finished(ok(3, 9), false); // finished while the manager was away: never sent
  b.confirmed(first->seq);
  b.resend_all();
  auto again = b.take_batch(0);
  REQUIRE(again);
  REQUIRE(again->reports.size() == 2);
  CHECK(again->reports[0].id == 2);
  CHECK(again->reports[1].id == 3);
}

TEST_CASE("a batch not confirmed in time goes back to the front of the next one") {
  lease_book b;
  b.finished(ok(1, 5), false);
  auto first = b.take_batch(0);
  REQUIRE(first);
  auto s1 = first->seq;
  b.finished(ok(2, 6), false);
  b.unconfirmed(s1);
  auto next = b.take_batch(0);
  REQUIRE(next);
  REQUIRE(next->reports.size() == 2);
  CHECK(next->reports[0].id == 1);
  b.unconfirmed(s1); // late: already moved, changes nothing
  CHECK(b.unconfirmed_reports() == 2);
}

TEST_CASE("batches unconfirmed past the timeout are sent again, oldest first, the rest wait") {
  lease_book b;
  CHECK_FALSE(b.next_due_ms(1000)); // nothing sent: no check needed
  b.finished(ok(1, 5), false);
  auto first = b.take_batch(100);
  b.finished(ok(2, 6), false);
  auto second = b.take_batch(600);
  b.finished(ok(3, 7), false);
  auto third = b.take_batch(900);
  REQUIRE((first && second && third));
  b.confirmed(second->seq); // answered; only the other two are overdue later
  REQUIRE(b.next_due_ms(1000));
  CHECK(*b.next_due_ms(1000) == 1100);
  CHECK(b.resend_overdue(1099, 1000) == 0); // not yet
  CHECK(b.resend_overdue(1100, 1000) == 1);
  CHECK(*b.next_due_ms(1000) == 1900); // the third, sent at 900
  b.finished(ok(4, 8), false); // finished meanwhile: after the re-sent one
  auto again = b.take_batch(1100);
  REQUIRE(again);
  REQUIRE(again->reports.size() == 2);
  CHECK(again->reports[0].id == 1);
  CHECK(again->reports[1].id == 4);
  CHECK(b.resend_overdue(5000, 1000) == 2); // the third and the re-sent one
  auto last = b.take_batch(5000);
  REQUIRE(last);
  REQUIRE(last->reports.size() == 3);
  CHECK(last->reports[0].id == 3); // the oldest batch first
  CHECK(last->reports[1].id == 1);
  CHECK(last->reports[2].id == 4);
  b.confirmed(first->seq); // a late answer to a re-sent batch changes nothing
  CHECK(b.unconfirmed_reports() == 3);
}

TEST_CASE("a running attempt is held, an aborted one is forgotten and its report dropped") {
  lease_book b;
  b.started(4, 11);
  b.started(5, 12);
  CHECK(b.running() == 2);
  CHECK(holds(b, 4, 11));
  CHECK(b.drop(4, 11));
  CHECK_FALSE(b.drop(4, 11));
  CHECK_FALSE(b.drop(5, 99)); // another lease of the same task is not ours to drop
  CHECK_FALSE(b.finished(ok(4, 11), true)); // aborted meanwhile: the manager expects nothing
  CHECK(b.finished(ok(5, 12), true));
  CHECK(b.running() == 0);
  CHECK(b.has_unsent());
  CHECK(holds(b, 5, 12));
  CHECK_FALSE(holds(b, 4, 11));
}

} // TEST_SUITE
