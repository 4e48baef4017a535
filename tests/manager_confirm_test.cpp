// When a consumer hears that its ACK is stored: with its next assignments
// when there are any (one message burst, one wake-up of its process), else
// within 5 ms, and at once when the manager stops. Virtual time.
#include <doctest/doctest.h>

#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// What the consumer below saw, in order: "assign" per batch, "stored" per
/// answered ACK.
struct seen {
  std::vector<assignment> tasks;
  std::vector<std::string> events;
};

/// A consumer that ACKs as the real one does (a request) when the test
/// tells it to, and notes when the answer comes.
caf::actor spawn_acking_consumer(caf::actor_system& sys, caf::actor mgr, std::shared_ptr<seen> box) {
  return sys.spawn([mgr, box](caf::event_based_actor* self) -> caf::behavior {
    return {
      [box](assign_atom, std::vector<assignment>& batch) {
        box->events.push_back("assign");
        box->tasks.insert(box->tasks.end(), batch.begin(), batch.end());
      },
      [self, mgr, box](ack_atom, std::vector<task_report>& reports) {
        self->request(mgr, caf::infinite, ack_atom::value, std::string{"c1"}, std::move(reports))
          .then([box] { box->events.push_back("stored"); });
      },
    };
  });
}

struct confirm_fixture : manager_fixture {
  std::shared_ptr<seen> box = std::make_shared<seen>();
  caf::actor consumer;

  explicit confirm_fixture(uint32_t capacity = 1) {
    consumer = keep(spawn_acking_consumer(sys, mgr, box));
    self->send(mgr, joined_atom::value,
               member_info{"c1", member_role::consumer, {}, capacity, "", "",
                           builtin_handlers().types()},
               consumer);
    sched.run();
  }

  void ack(size_t i) {
    auto& a = box->tasks.at(i);
    self->send(consumer, ack_atom::value,
               std::vector<task_report>{{a.id, a.lease, task_outcome::succeeded, "", 1}});
    sched.run();
  }
};

} // namespace

TEST_SUITE("ACK answers") {

TEST_CASE_FIXTURE(confirm_fixture, "an idle consumer hears its ACK was stored within 5 ms") {
  auto job = submit(1).job;
  REQUIRE(box->tasks.size() == 1);
  ack(0);
  CHECK(box->events == std::vector<std::string>{"assign"}); // held for a next assignment
  advance(4ms);
  CHECK(box->events == std::vector<std::string>{"assign"});
  advance(1ms);
  CHECK(box->events == std::vector<std::string>{"assign", "stored"});
  CHECK(count(progress(job), task_state::succeeded) == 1);
}

TEST_CASE_FIXTURE(confirm_fixture, "a busy consumer hears it with a later assignment, at once") {
  using events = std::vector<std::string>;
  submit(3); // capacity 1: each task waits for the ACK of the one before
  REQUIRE(box->tasks.size() == 1);
  ack(0);
  // The next task goes out as the ACK is applied; the answer once the
  // store confirmed it, which is after that.
  CHECK(box->events == events{"assign", "assign"});
  ack(1);
  // No time passed: the first ACK's answer went out just before the third
  // task (the second's waits for the next assignment).
  CHECK(box->events == events{"assign", "assign", "stored", "assign"});
  ack(2);
  advance(5ms); // nothing left to assign: the timer answers both
  CHECK(box->events == events{"assign", "assign", "stored", "assign", "stored", "stored"});
}

TEST_CASE_FIXTURE(confirm_fixture, "a stopping manager answers the stored ACKs first") {
  submit(1);
  ack(0);
  CHECK(box->events == std::vector<std::string>{"assign"});
  caf::anon_send_exit(mgr, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(box->events == std::vector<std::string>{"assign", "stored"});
}

}
