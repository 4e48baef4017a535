// Supervision on virtual time (DESIGN.md §6): one-for-one restarts
// within the restart intensity, then an alert and the role stops; a consumer
// whose handler throws is restarted and the task is retried by the rules.
#include <doctest/doctest.h>

#include <stdexcept>

#include "actors/consumer.hpp"
#include "actors/supervisor.hpp"
#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// A child that stops with an error when sent an int (a crash), or cleanly
/// when sent a string.
caf::behavior crashy(caf::event_based_actor* self) {
  return {
    [=](int) { self->quit(caf::make_error(caf::sec::runtime_error, "boom")); },
    [=](const std::string&) { self->quit(); },
  };
}

struct alerts {
  std::vector<std::string> texts;
};

struct supervisor_fixture : actor_fixture {
  std::shared_ptr<alerts> heard = std::make_shared<alerts>();
  std::shared_ptr<std::vector<caf::actor>> started = std::make_shared<std::vector<caf::actor>>();
  caf::actor sup;

  supervisor_fixture() {
    auto h = heard;
    auto alert_sink = keep(sys.spawn([h](caf::event_based_actor*) -> caf::behavior {
      return {[h](alert_atom, const std::string&, const std::string& text) {
        h->texts.push_back(text);
      }};
    }));
    supervisor_options so;
    so.node = "n1";
    so.max_restarts = 3;
    so.within = 10s;
    so.alert_to = alert_sink;
    auto s = started;
    so.children.push_back(child_spec{"worker w1", [s](caf::actor_system& sys) {
                                       s->push_back(sys.spawn(crashy));
                                       return s->back();
                                     }});
    sup = keep(spawn_supervisor(sys, so));
    sched.run();
    REQUIRE(started->size() == 1);
  }

  void crash_current() {
    self->send(started->back(), 1);
    sched.run();
  }

  bool supervisor_alive() {
    return !caf::actor_cast<caf::abstract_actor*>(sup)->getf(caf::abstract_actor::is_terminated_flag);
  }
};

} // namespace

TEST_SUITE("supervisor") {

TEST_CASE_FIXTURE(supervisor_fixture, "a crashed child is restarted up to N times in T") {
  for (int i = 0; i < 3; ++i)
    crash_current();
  CHECK(started->size() == 4); // the first plus 3 restarts
  CHECK(heard->texts.empty());
  CHECK(supervisor_alive());
}

TEST_CASE_FIXTURE(supervisor_fixture, "one crash too many within T raises an alert and stops the role") {
  for (int i = 0; i < 4; ++i)
    crash_current();
  CHECK(started->size() == 4); // no 4th restart
  REQUIRE(heard->texts.size() == 1);
  CHECK(heard->texts[0].find("worker w1 crashed 4 times within 10000 ms") != std::string::npos);
  CHECK(heard->texts[0].find("gave up") != std::string::npos);
  CHECK_FALSE(supervisor_alive()); // its only child is gone
}

TEST_CASE_FIXTURE(supervisor_fixture, "crashes spread wider than T are forgiven") {
  for (int i = 0; i < 6; ++i) {
    crash_current();
    advance(4s); // one crash every 4 s: no 10 s window ever holds more than 3
  }
  CHECK(started->size() == 7);
  CHECK(heard->texts.empty());
}

TEST_CASE_FIXTURE(supervisor_fixture, "a child that stops cleanly is not restarted") {
  self->send(started->back(), std::string{"done"});
  sched.run();
  CHECK(started->size() == 1);
  CHECK(heard->texts.empty());
  CHECK_FALSE(supervisor_alive());
}

} // TEST_SUITE

namespace {

/// A manager, a registry stand-in that reports joins to it, and a supervised
/// consumer whose "explode" handler throws on the first attempt.
struct crash_fixture : manager_fixture {
  caf::actor registry;
  caf::actor sup;
  std::shared_ptr<std::atomic<uint64_t>> executed = std::make_shared<std::atomic<uint64_t>>(0);

  crash_fixture() {
    registry = keep(sys.spawn([m = mgr](caf::event_based_actor* self) -> caf::behavior {
      return {
        [=](register_atom, const member_info& info) {
          self->send(m, joined_atom::value, info,
                     caf::actor_cast<caf::actor>(self->current_sender()));
          return m;
        },
        [](heartbeat_atom, const member_info&) {},
        [](alert_atom, const std::string&, const std::string&) {},
      };
    }));
    consumer_options co;
    co.info = member_info{"c1", member_role::consumer, {}, 4, "", ""};
    co.registry = registry;
    co.heartbeat = 0ms;
    co.executed = executed;
    co.handlers.add("explode", [](const std::string&, uint32_t attempt) -> handler_result {
      if (attempt == 1)
        throw std::runtime_error("segfault stand-in");
      return handler_result{true, "fine now", {}};
    });
    supervisor_options so;
    so.node = "c1-host";
    so.alert_to = registry;
    so.children.push_back(
      child_spec{"consumer c1", [co](caf::actor_system& s) { return spawn_consumer(s, co); }});
    sup = keep(spawn_supervisor(sys, so));
    sched.run();
  }
};

} // namespace

TEST_SUITE("supervisor") {

TEST_CASE_FIXTURE(crash_fixture, "a consumer whose handler throws is restarted and the task retried") {
  REQUIRE(snap().consumers.count("c1") == 1);
  auto first = snap().consumers.at("c1").incarnation;
  task_spec spec;
  spec.type = "explode";
  spec.max_attempts = 2;
  auto ack = submit_spec(1, spec);
  // The attempt FAILED (reported before the crash), the consumer came back
  // as a new process-local actor and registered again.
  CHECK(snap().stats.retries == 1);
  REQUIRE(snap().consumers.count("c1") == 1);
  CHECK(snap().consumers.at("c1").incarnation != first);
  advance(100ms); // the retry backoff
  CHECK(count(progress(ack.job), task_state::succeeded) == 1);
  CHECK(*executed == 2); // attempt 1 (FAILED, reported) and attempt 2 (the restarted one)
}

} // TEST_SUITE
