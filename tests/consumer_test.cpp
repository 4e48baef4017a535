// The consumer on virtual time, against a fake registry and manager:
// built-in handlers, unknown task types, timer-finished work, and tasks
// beyond its capacity waiting for a slot.
#include <doctest/doctest.h>

#include "actors/consumer.hpp"
#include "actors/protocol_links.hpp"
#include "core/epoch_guard.hpp"
#include "support/actor_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct ack_log {
  std::vector<task_report> reports;
  std::vector<lease_ref> started;
  std::vector<lease_ref> handed_back;
  std::vector<lease_ref> leases; ///< the last lease report (on joining)
};

struct consumer_fixture : actor_fixture {
  std::shared_ptr<ack_log> log = std::make_shared<ack_log>();
  caf::actor manager;
  caf::actor consumer;

  consumer_fixture() {
    auto l = log;
    manager = keep(sys.spawn([l](caf::event_based_actor*) -> caf::behavior {
      return {
        [l](ack_atom, const std::string&, std::vector<task_report>& rs) {
          for (auto& r : rs)
            l->reports.push_back(std::move(r));
        },
        [l](started_atom, const std::string&, const std::vector<lease_ref>& rs) {
          l->started.insert(l->started.end(), rs.begin(), rs.end());
        },
        [l](leases_atom, const std::string&, const std::vector<lease_ref>& rs) { l->leases = rs; },
        [l](handback_atom, const std::string&, const std::vector<lease_ref>& rs,
            const std::string&) {
          l->handed_back.insert(l->handed_back.end(), rs.begin(), rs.end());
        },
        [](drain_atom, const std::string&) {},
      };
    }));
    auto mgr = manager;
    auto registry = keep(sys.spawn([mgr](caf::event_based_actor*) -> caf::behavior {
      return {[mgr](register_atom, const member_info&) { return mgr; },
              [](heartbeat_atom, const member_info&) {}};
    }));
    consumer_options opts;
    opts.info = member_info{"c1", member_role::consumer, {}, 8, "", ""};
    opts.registry = registry;
    consumer = keep(spawn_consumer(sys, std::move(opts)));
    sched.run(); // registration
  }

  std::vector<assignment> sleepers(task_id from, task_id to, const char* ms) {
    std::vector<assignment> out;
    for (auto id = from; id <= to; ++id)
      out.push_back(assignment{id, 1, 1, 0, "sleep", ms});
    return out;
  }

  void send_tasks(std::vector<assignment> batch) {
    self->send(consumer, assign_atom::value, std::move(batch));
    sched.run();
  }
};

assignment task_of(task_id id, std::string type, std::string payload, uint32_t attempt = 1) {
  return assignment{id, 1, attempt, 0, std::move(type), std::move(payload)};
}

} // namespace

TEST_SUITE("consumer") {

TEST_CASE_FIXTURE(consumer_fixture, "a batch is executed and ACKed in one message") {
  send_tasks({task_of(1, "noop", ""), task_of(2, "echo", "hi"), task_of(3, "fail", "1"),
              task_of(4, "fail", "1", 2)});
  REQUIRE(log->reports.size() == 4);
  CHECK(log->reports[0].outcome == task_outcome::succeeded);
  CHECK(log->reports[1].result == "hi");
  CHECK(log->reports[2].outcome == task_outcome::failed); // attempt 1 of the first 1
  CHECK(log->reports[3].outcome == task_outcome::succeeded); // attempt 2 passes
}

TEST_CASE_FIXTURE(consumer_fixture, "an unknown task type fails with a clear result and the consumer goes on") {
  send_tasks({task_of(1, "transmogrify", "")});
  REQUIRE(log->reports.size() == 1);
  CHECK(log->reports[0].outcome == task_outcome::failed);
  CHECK(log->reports[0].result.find("unknown task type 'transmogrify'") != std::string::npos);
  CHECK(log->reports[0].result.find("noop") != std::string::npos);
  send_tasks({task_of(2, "noop", "")});
  CHECK(log->reports.size() == 2);
}

TEST_CASE_FIXTURE(consumer_fixture, "a bad payload fails the task, not the consumer") {
  send_tasks({task_of(1, "sleep", "soon")});
  REQUIRE(log->reports.size() == 1);
  CHECK(log->reports[0].outcome == task_outcome::failed);
  CHECK(log->reports[0].result.find("milliseconds") != std::string::npos);
}

TEST_CASE_FIXTURE(consumer_fixture, "an aborted attempt on a timer is dropped without an ACK") {
  send_tasks({task_of(1, "sleep", "250"), task_of(2, "sleep", "250")});
  self->send(consumer, abort_atom::value, uint64_t{1}, std::vector<lease_ref>{{1, 1}, {2, 99}});
  sched.run();
  advance(250ms);
  REQUIRE(log->reports.size() == 1); // task 1 dropped; the abort of 2 named another lease
  CHECK(log->reports[0].id == 2);
}

TEST_CASE_FIXTURE(consumer_fixture, "an abort from a deposed leader is refused, its successor's is not") {
  // Task 1 was leased by the leader of epoch 1 and kept by its successor
  // (epoch 2), which then assigned task 2.
  auto kept = task_of(1, "sleep", "250");
  auto fresh = task_of(2, "sleep", "250");
  fresh.lease = lease_floor_of(2) + 5;
  send_tasks({kept, fresh});
  // The deposed leader wakes up and times task 1 out: refused, it runs on.
  self->send(consumer, abort_atom::value, uint64_t{1}, std::vector<lease_ref>{{1, 1}});
  sched.run();
  // The leader cancels task 2: dropped.
  self->send(consumer, abort_atom::value, uint64_t{2},
             std::vector<lease_ref>{{2, fresh.lease}});
  sched.run();
  advance(250ms);
  REQUIRE(log->reports.size() == 1);
  CHECK(log->reports[0].id == 1);
  CHECK(log->reports[0].outcome == task_outcome::succeeded);
}

TEST_CASE_FIXTURE(consumer_fixture, "an empty abort tells the new leader's epoch before any assignment") {
  send_tasks({task_of(1, "sleep", "250")}); // leased in epoch 1
  // Joined the leader of epoch 3 (its answer to the lease report).
  self->send(consumer, abort_atom::value, uint64_t{3}, std::vector<lease_ref>{});
  sched.run();
  self->send(consumer, abort_atom::value, uint64_t{2}, std::vector<lease_ref>{{1, 1}});
  sched.run();
  send_tasks({task_of(2, "noop", "")}); // an epoch-1 assignment: refused too
  advance(250ms);
  REQUIRE(log->reports.size() == 1);
  CHECK(log->reports[0].id == 1);
  // The leader of epoch 3 aborts what it assigned.
  auto own = task_of(4, "sleep", "100");
  own.lease = lease_floor_of(3) + 1;
  send_tasks({own});
  self->send(consumer, abort_atom::value, uint64_t{3}, std::vector<lease_ref>{{4, own.lease}});
  sched.run();
  advance(100ms);
  CHECK(log->reports.size() == 1);
}

TEST_CASE_FIXTURE(consumer_fixture, "sleep reports started at once and finishes on the timer") {
  send_tasks({task_of(1, "sleep", "250"), task_of(2, "sleep", "250")});
  CHECK(log->started.size() == 2);
  CHECK(log->reports.empty());
  advance(249ms);
  CHECK(log->reports.empty());
  advance(1ms);
  CHECK(log->reports.size() == 2); // both timers, one ACK round
}

TEST_CASE_FIXTURE(consumer_fixture, "beyond its capacity tasks wait and start, in order, as slots free") {
  send_tasks(sleepers(1, 11, "100")); // capacity 8
  REQUIRE(log->started.size() == 8);
  CHECK(log->started.back().id == 8);
  advance(100ms); // the first eight end; three of the waiting start
  CHECK(log->reports.size() == 8);
  REQUIRE(log->started.size() == 11);
  CHECK(log->started[8].id == 9);
  CHECK(log->started[10].id == 11);
  send_tasks({task_of(12, "noop", "")}); // a free slot: runs at once
  CHECK(log->reports.size() == 9);
  advance(100ms);
  CHECK(log->reports.size() == 12);
}

TEST_CASE_FIXTURE(consumer_fixture, "a newcomer waits behind the waiting tasks, even an inline one") {
  send_tasks(sleepers(1, 9, "100"));
  send_tasks({task_of(10, "noop", "")});
  CHECK(log->reports.empty()); // behind task 9
  advance(100ms);
  REQUIRE(log->reports.size() == 9); // 1-8 and 10; 9 runs
  REQUIRE(log->started.size() == 9);
  CHECK(log->started[8].id == 9); // the first free slot went to 9
  CHECK(log->reports[0].id == 1);
  CHECK(log->reports[1].id == 2);
  CHECK(log->reports[2].id == 10); // the second to 10, done at once
}

TEST_CASE_FIXTURE(consumer_fixture, "a waiting task cancelled by the manager never starts") {
  send_tasks(sleepers(1, 10, "100"));
  self->send(consumer, abort_atom::value, uint64_t{1}, std::vector<lease_ref>{{9, 1}});
  sched.run();
  advance(100ms);
  REQUIRE(log->started.size() == 9); // 1-8, then 10
  CHECK(log->started.back().id == 10);
  advance(100ms);
  CHECK(log->reports.size() == 9);
  for (auto& r : log->reports)
    CHECK(r.id != 9);
}

TEST_CASE_FIXTURE(consumer_fixture, "a drain hands the waiting tasks back at once, the running finish") {
  send_tasks(sleepers(1, 11, "100"));
  send_drain(consumer, 5000);
  sched.run();
  REQUIRE(log->handed_back.size() == 3);
  CHECK(log->handed_back[0].id == 9);
  CHECK(log->handed_back[2].id == 11);
  advance(100ms);
  CHECK(log->reports.size() == 8);
  CHECK(log->started.size() == 8); // nothing more started
}

} // TEST_SUITE
