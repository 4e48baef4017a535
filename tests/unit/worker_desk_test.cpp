// The worker desk on its own (core/worker_desk.hpp): polls answered at once
// or parked, leases handed to parked polls first come first served, an
// answer its client did not take goes to the next poll, heartbeats and
// cancel, silence past the lease loses a worker, the grace forgets it, a
// task not heartbeaten past its lease goes back alone.
#include <doctest/doctest.h>

#include "core/worker_desk.hpp"

using namespace drover;

namespace {

worker_poll poll_of(const std::string& worker, uint32_t max, uint32_t wait_ms,
                    uint32_t lease_ms = 3000) {
  worker_poll p;
  p.worker = worker;
  p.types = {"resize"};
  p.max = max;
  p.wait_ms = wait_ms;
  p.lease_ms = lease_ms;
  return p;
}

std::vector<worker_task> tasks(task_id first, size_t n, uint64_t lease = 7) {
  std::vector<worker_task> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(worker_task{first + i, lease, 1, "resize", "p" + std::to_string(i), 0, 0});
  return out;
}

} // namespace

TEST_SUITE("worker_desk") {

TEST_CASE("a first poll registers the worker, with nothing queued it parks") {
  worker_desk d{1000};
  auto a = d.poll(poll_of("w1", 4, 500), 1, 10'000);
  CHECK(a.step == worker_desk::join_step::spawn);
  CHECK(a.parked);
  CHECK(a.tasks.empty());
  auto b = d.poll(poll_of("w1", 4, 0), 2, 10'001); // wait 0: answered now, empty
  CHECK(b.step == worker_desk::join_step::none);
  CHECK_FALSE(b.parked);
  CHECK(d.capacity_of("w1") == 8); // twice the first max, kept while unsaid
}

TEST_CASE("leases go to parked polls oldest first, each up to its max, with expiry") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 2, 500), 1, 10'000);
  (void)d.poll(poll_of("w1", 3, 500), 2, 10'000);
  auto ds = d.leased("w1", tasks(100, 4), 10'010);
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].poll_id == 1);
  CHECK(ds[0].tasks.size() == 2);
  CHECK(ds[1].poll_id == 2);
  CHECK(ds[1].tasks.size() == 2);
  CHECK(ds[0].tasks[0].lease_expires_ms == 13'010);
  CHECK(ds[0].tasks[0].heartbeat_ms == 1000);
  CHECK(d.holder(100, 7, 10'020) == "w1");
  CHECK(d.holder(100, 6, 10'020).empty()); // an old lease is nobody's
  CHECK_FALSE(d.expire_poll("w1", 1));     // answered already
}

TEST_CASE("what is queued answers the next poll at once") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 2, 0), 1, 0);
  CHECK(d.leased("w1", tasks(1, 3), 1).empty()); // no poll waits: queued
  auto a = d.poll(poll_of("w1", 2, 500), 2, 2);
  CHECK_FALSE(a.parked);
  CHECK(a.tasks.size() == 2);
  CHECK(d.views().front().queued == 1);
  CHECK(d.views().front().held == 2);
}

TEST_CASE("an answer whose client left goes back and on to the next parked poll") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 5, 500), 1, 0);
  auto ds = d.leased("w1", tasks(1, 3), 1);
  REQUIRE(ds.size() == 1);
  CHECK(d.holder(1, 7, 2) == "w1");
  auto again = d.returned("w1", ds[0].tasks, 3);
  CHECK(again.empty());
  CHECK(d.holder(1, 7, 4).empty()); // not handed out any more
  (void)d.poll(poll_of("w1", 5, 500), 2, 5);
  CHECK(d.views().front().held == 3);
}

TEST_CASE("heartbeats extend the lease and carry the cancel, queued aborted tasks vanish") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 1, 500), 1, 0);
  (void)d.leased("w1", tasks(1, 2), 0); // one handed out, one queued
  auto b = d.heartbeat(1, 7, 2000);
  REQUIRE(b);
  CHECK(b->lease_expires_ms == 5000);
  CHECK_FALSE(b->cancel_requested);
  d.aborted("w1", 1, 7);
  d.aborted("w1", 2, 7);
  b = d.heartbeat(1, 7, 2100);
  REQUIRE(b);
  CHECK(b->cancel_requested);
  CHECK_FALSE(d.heartbeat(1, 8, 2100)); // not this lease
  CHECK(d.views().front().queued == 0);
  d.settled(1, 7);
  CHECK_FALSE(d.heartbeat(1, 7, 2200));
}

TEST_CASE("silent past its lease a worker is lost, its queue handed back, and the grace forgets it") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 1, 0, 3000), 1, 0);
  (void)d.leased("w1", tasks(1, 3), 0);
  (void)d.poll(poll_of("w1", 1, 0, 3000), 2, 10); // holds task 1, 2 and 3 queued
  CHECK(d.tick(3000).lost.empty());
  auto t = d.tick(3011);
  REQUIRE(t.lost.size() == 1);
  CHECK(t.lost[0].queued.size() == 2);
  CHECK(d.away("w1"));
  CHECK(d.holder(1, 7, 3500) == "w1"); // its lease stands through the grace
  auto later = d.tick(4012);
  REQUIRE(later.dropped.size() == 1);
  CHECK_FALSE(d.knows("w1"));
  CHECK(d.holder(1, 7, 4100).empty());
}

TEST_CASE("a task not heartbeaten past its lease and the grace goes back, though its worker polls") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 2, 0, 3000), 1, 0);
  (void)d.leased("w1", tasks(1, 2), 0);
  auto a = d.poll(poll_of("w1", 2, 0, 3000), 2, 100); // holds 1 and 2 until 3100
  REQUIRE(a.tasks.size() == 2);
  CHECK(a.tasks[0].lease_expires_ms == 3100);
  int64_t now = 100;
  for (; now <= 4200; now += 500) { // it beats task 1 only, and keeps polling
    REQUIRE(d.heartbeat(1, 7, now));
    CHECK(d.poll(poll_of("w1", 2, 0, 3000), 3, now).tasks.empty());
    auto t = d.tick(now);
    CHECK(t.lost.empty());
    CHECK(t.expired.empty()); // task 2: lease to 3100, grace to 4100
  }
  auto t = d.tick(4101);
  REQUIRE(t.expired.size() == 1);
  CHECK(t.expired[0].worker == "w1");
  CHECK(t.expired[0].id == 2);
  CHECK(t.expired[0].lease == 7);
  CHECK_FALSE(d.heartbeat(2, 7, 4200)); // its heartbeat now hears 409
  CHECK(d.holder(2, 7, 4200).empty());
  CHECK(d.holder(1, 7, 4200) == "w1");     // the beaten one stays
  CHECK(d.views().front().held == 1);
  (void)d.poll(poll_of("w1", 2, 0, 3000), 4, 8900); // alive, but no beat for task 1 since 4100
  auto later = d.tick(8900);
  CHECK(later.lost.empty());
  REQUIRE(later.expired.size() == 1);
  CHECK(later.expired[0].id == 1);
  CHECK(d.views().front().held == 0);
}

TEST_CASE("an expired lease the manager aborted is forgotten, not handed back, a lost worker's are the membership's") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 1, 0, 3000), 1, 0);
  (void)d.leased("w1", tasks(1, 1), 0);
  REQUIRE(d.poll(poll_of("w1", 1, 0, 3000), 2, 0).tasks.size() == 1);
  d.aborted("w1", 1, 7); // cancelled: the manager expects nothing for it
  for (int64_t now = 500; now <= 4500; now += 500)
    (void)d.poll(poll_of("w1", 1, 0, 3000), 3, now);
  CHECK(d.tick(4500).expired.empty());
  CHECK(d.views().front().held == 0);

  worker_desk e{1000};
  (void)e.poll(poll_of("w2", 1, 0, 3000), 1, 0);
  (void)e.leased("w2", tasks(5, 1), 0);
  REQUIRE(e.poll(poll_of("w2", 1, 0, 3000), 2, 0).tasks.size() == 1);
  auto lost = e.tick(3001); // silent: lost as a whole, the manager's grace moves its task
  CHECK(lost.lost.size() == 1);
  CHECK(e.tick(4001).expired.empty());
}

TEST_CASE("a parked poll keeps its worker alive, and back within the grace it rejoins") {
  worker_desk d{1000};
  (void)d.poll(poll_of("w1", 1, 60'000, 1000), 1, 0);
  CHECK(d.tick(50'000).lost.empty());
  CHECK(d.expire_poll("w1", 1));
  CHECK(d.tick(50'001).lost.size() == 1);
  auto a = d.poll(poll_of("w1", 1, 0, 1000), 2, 50'500);
  CHECK(a.step == worker_desk::join_step::rejoin);
  CHECK_FALSE(d.away("w1"));
  auto p = poll_of("w1", 1, 0, 1000);
  p.types = {"resize", "thumb"};
  CHECK(d.poll(p, 3, 50'600).step == worker_desk::join_step::rejoin); // new types: re-register
}

} // TEST_SUITE
