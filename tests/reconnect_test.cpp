// Members outlive the manager, on virtual time: a consumer keeps its work
// and its results while the manager is away and re-reports its leases to
// the next one; the link reconnects to the registry with backoff and gives
// up only after the reconnect timeout.
#include <doctest/doctest.h>

#include "actors/consumer.hpp"
#include "actors/protocol_links.hpp"
#include "support/actor_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// What a fake manager heard; `confirm` false: it never answers ACKs (it
/// dies before storing them).
struct manager_log {
  std::vector<std::vector<lease_ref>> lease_reports;
  std::vector<task_report> acks;
  bool confirm = true;
  std::vector<caf::response_promise> unanswered;
};

caf::actor spawn_fake_manager(caf::actor_system& sys, std::shared_ptr<manager_log> log) {
  return sys.spawn([log](caf::event_based_actor* self) -> caf::behavior {
    return {
      [log](leases_atom, const std::string&, const std::vector<lease_ref>& refs) {
        log->lease_reports.push_back(refs);
      },
      [=](ack_atom, const std::string&, std::vector<task_report>& rs) {
        for (auto& r : rs)
          log->acks.push_back(r);
        auto rp = self->make_response_promise();
        if (log->confirm)
          rp.deliver(caf::unit);
        else
          log->unanswered.push_back(rp);
        return rp;
      },
      [](started_atom, const std::string&, const std::vector<lease_ref>&) {},
      [](nstatus_atom, const node_status&) { return std::vector<node_command>{}; },
    };
  });
}

/// A registry that answers every registration with whatever `current` is.
/// `hold`: registrations are answered only on (release_atom).
using release_atom = caf::atom_constant<caf::atom("release")>;

struct registry_box {
  caf::actor current;
  int registrations = 0;
  bool hold = false;
  std::vector<caf::response_promise> held;
};

caf::actor spawn_fake_registry(caf::actor_system& sys, std::shared_ptr<registry_box> box) {
  return sys.spawn([box](caf::event_based_actor* self) -> caf::behavior {
    return {
      [=](register_atom, const member_info&) -> caf::result<caf::actor> {
        ++box->registrations;
        if (!box->hold)
          return box->current;
        box->held.push_back(self->make_response_promise());
        return caf::delegated<caf::actor>{};
      },
      [=](release_atom) {
        box->hold = false;
        for (auto& rp : box->held)
          rp.deliver(box->current);
        box->held.clear();
      },
      [](heartbeat_atom, const member_info&) {},
      [](deregister_atom, const member_info&) {},
    };
  });
}

struct reconnect_fixture : actor_fixture {
  std::shared_ptr<registry_box> reg = std::make_shared<registry_box>();
  std::shared_ptr<manager_log> m1 = std::make_shared<manager_log>();
  std::shared_ptr<manager_log> m2 = std::make_shared<manager_log>();
  caf::actor mgr1 = keep(spawn_fake_manager(sys, m1));
  caf::actor mgr2 = keep(spawn_fake_manager(sys, m2));
  caf::actor registry = keep(spawn_fake_registry(sys, reg));

  consumer_options options() {
    consumer_options co;
    co.info = member_info{"c1", member_role::consumer, {}, 8, "", ""};
    co.registry = registry;
    co.heartbeat = 0ms;
    return co;
  }

  bool alive(const caf::actor& a) {
    auto* p = caf::actor_cast<caf::abstract_actor*>(a);
    return p != nullptr && !p->getf(caf::abstract_actor::is_terminated_flag);
  }
};

assignment sleep_task(task_id id, uint64_t lease, const char* ms) {
  return assignment{id, lease, 1, 0, "sleep", ms};
}

} // namespace

TEST_SUITE("reconnect") {

TEST_CASE_FIXTURE(reconnect_fixture, "a consumer keeps its results while the manager is away and ACKs them to the next") {
  reg->current = mgr1;
  m1->confirm = false; // it dies before storing what it was sent
  auto c = keep(spawn_consumer(sys, options()));
  sched.run();
  REQUIRE(m1->lease_reports.size() == 1);
  CHECK(m1->lease_reports[0].empty()); // a fresh process holds nothing
  self->send(c, assign_atom::value,
             std::vector<assignment>{assignment{1, 10, 1, 0, "echo", "a"},
                                     sleep_task(2, 20, "100"), sleep_task(3, 30, "500")});
  sched.run();
  REQUIRE(m1->acks.size() == 1); // echo: sent, never confirmed
  // The manager dies; a new one registers with the registry.
  caf::anon_send_exit(mgr1, caf::exit_reason::kill);
  reg->current = mgr2;
  sched.run();
  advance(100ms); // task 2 finishes while the consumer is between managers
  CHECK(alive(c)); // nothing exits because the manager went away
  advance(50ms);   // the first backoff ends: joins again, gets mgr2
  REQUIRE(m2->lease_reports.size() == 1);
  auto& held = m2->lease_reports[0];
  std::vector<uint64_t> leases;
  for (auto& r : held)
    leases.push_back(r.lease);
  std::sort(leases.begin(), leases.end());
  CHECK(leases == std::vector<uint64_t>{10, 20, 30}); // unconfirmed, finished, running
  // Both finished results reach the new manager, under their own leases.
  REQUIRE(m2->acks.size() == 2);
  CHECK(m2->acks[0].id == 1);
  CHECK(m2->acks[0].lease == 10);
  CHECK(m2->acks[1].id == 2);
  advance(400ms);
  REQUIRE(m2->acks.size() == 3);
  CHECK(m2->acks[2].id == 3);
  CHECK(m2->acks[2].lease == 30);
  CHECK(reg->registrations == 2);
}

TEST_CASE_FIXTURE(reconnect_fixture, "tasks waiting for a slot are re-reported to the next manager and run for it") {
  reg->current = mgr1;
  auto c = keep(spawn_consumer(sys, options())); // capacity 8
  sched.run();
  std::vector<assignment> batch;
  for (task_id id = 1; id <= 10; ++id)
    batch.push_back(sleep_task(id, 100 + id, "500"));
  self->send(c, assign_atom::value, std::move(batch));
  sched.run(); // 1-8 run, 9 and 10 wait
  caf::anon_send_exit(mgr1, caf::exit_reason::kill);
  reg->current = mgr2;
  sched.run();
  advance(50ms); // the first backoff ends: joins mgr2
  REQUIRE(m2->lease_reports.size() == 1);
  std::vector<uint64_t> leases;
  for (auto& r : m2->lease_reports[0])
    leases.push_back(r.lease);
  std::sort(leases.begin(), leases.end());
  CHECK(leases == std::vector<uint64_t>{101, 102, 103, 104, 105, 106, 107, 108, 109, 110});
  advance(450ms); // 1-8 end; 9 and 10 start
  CHECK(m2->acks.size() == 8);
  advance(500ms);
  REQUIRE(m2->acks.size() == 10);
  CHECK(m2->acks[9].lease == 110);
}

TEST_CASE_FIXTURE(reconnect_fixture, "an ACK the live manager never confirms is sent again after 30 s, then no more once confirmed") {
  reg->current = mgr1;
  m1->confirm = false; // its answers are lost; the link stays up
  auto c = keep(spawn_consumer(sys, options()));
  sched.run();
  self->send(c, assign_atom::value,
             std::vector<assignment>{assignment{1, 10, 1, 0, "echo", "a"}});
  sched.run();
  REQUIRE(m1->acks.size() == 1);
  advance(10s);
  self->send(c, assign_atom::value, // a second batch, 10 s younger
             std::vector<assignment>{assignment{2, 20, 1, 0, "echo", "b"}});
  sched.run();
  REQUIRE(m1->acks.size() == 2);
  advance(19999ms);
  CHECK(m1->acks.size() == 2); // not yet: 30 s after the first was sent
  m1->confirm = true; // answers get through from now on
  advance(1ms);
  REQUIRE(m1->acks.size() == 3); // the first again, under its own lease
  CHECK(m1->acks[2].id == 1);
  CHECK(m1->acks[2].lease == 10);
  advance(10s); // the second, 30 s old now
  REQUIRE(m1->acks.size() == 4);
  CHECK(m1->acks[3].id == 2);
  advance(120s); // both confirmed: nothing is sent again, no timer keeps running
  CHECK(m1->acks.size() == 4);
  CHECK(sched.clock().schedule().empty());
  CHECK(alive(c));
}

TEST_CASE_FIXTURE(reconnect_fixture, "the registry is reached again at its address with backoff") {
  reg->current = mgr1;
  auto reg2_box = std::make_shared<registry_box>();
  reg2_box->current = mgr2;
  auto reg2 = keep(spawn_fake_registry(sys, reg2_box));
  auto attempts = std::make_shared<std::vector<caf::actor_clock::time_point>>();
  auto co = options();
  co.link.reconnect = [=](caf::event_based_actor* s, std::function<void(caf::actor)> ok,
                          std::function<void(std::string)> failed) {
    attempts->push_back(s->clock().now());
    if (attempts->size() < 4)
      failed("connection refused");
    else
      ok(reg2);
  };
  auto c = keep(spawn_consumer(sys, co));
  sched.run();
  REQUIRE(m1->lease_reports.size() == 1);
  auto t0 = sched.clock().now();
  caf::anon_send_exit(registry, caf::exit_reason::kill); // its process died
  caf::anon_send_exit(mgr1, caf::exit_reason::kill);
  sched.run();
  advance(49ms);
  CHECK(attempts->empty());
  advance(1ms);
  REQUIRE(attempts->size() == 1);
  advance(100ms);
  CHECK(attempts->size() == 2);
  advance(200ms);
  CHECK(attempts->size() == 3);
  advance(399ms);
  CHECK(attempts->size() == 3);
  advance(1ms); // 50 + 100 + 200 + 400 ms after the loss
  REQUIRE(attempts->size() == 4);
  CHECK(attempts->back() - t0 == 750ms);
  CHECK(reg2_box->registrations == 1);
  REQUIRE(m2->lease_reports.size() == 1);
  CHECK(alive(c));
}

TEST_CASE_FIXTURE(reconnect_fixture, "info that changes while a join is on its way is sent again once it lands") {
  reg->current = mgr1;
  reg->hold = true;
  auto c = keep(spawn_consumer(sys, options()));
  sched.run();
  REQUIRE(reg->registrations == 1);
  self->send(c, register_atom::value); // e.g. a worker pool announced its types
  sched.run();
  CHECK(reg->registrations == 1); // never two joins at once
  self->send(registry, release_atom::value);
  sched.run();
  CHECK(reg->registrations == 2); // the first carried the old types: sent again
  CHECK(m1->lease_reports.size() == 2);
  CHECK(alive(c));
}

TEST_CASE_FIXTURE(reconnect_fixture, "past the reconnect timeout the member gives up and stops") {
  reg->current = mgr1;
  auto attempts = std::make_shared<int>(0);
  auto co = options();
  co.link.backoff.give_up_after = 1000ms;
  co.link.reconnect = [=](caf::event_based_actor*, std::function<void(caf::actor)>,
                          std::function<void(std::string)> failed) {
    ++*attempts;
    failed("connection refused");
  };
  auto c = keep(spawn_consumer(sys, co));
  sched.run();
  caf::anon_send_exit(registry, caf::exit_reason::kill);
  sched.run();
  for (int i = 0; i < 999; ++i) // 1 ms steps: each wait ends on its own time
    advance(1ms);
  CHECK(alive(c));
  CHECK(*attempts == 4); // at 50, 150, 350 and 750 ms
  advance(1ms); // the last attempt falls on the deadline and fails: it gives up
  CHECK_FALSE(alive(c));
  CHECK(*attempts == 5);
}

} // TEST_SUITE
