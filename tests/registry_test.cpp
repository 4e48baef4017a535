// The registry on virtual time: members that stop sending heartbeats are
// lost after K missed intervals; a member it forgot registers again.
#include <doctest/doctest.h>

#include "actors/registry.hpp"
#include "support/actor_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct heard {
  std::vector<std::string> joined;
  std::vector<std::string> lost;
  std::vector<std::string> why;   ///< the reason the registry gave, per loss
  int beats_ok = 0;       ///< heartbeats the registry accepted
  caf::error refused;     ///< the last one it refused
};

struct registry_fixture : actor_fixture {
  std::shared_ptr<heard> log = std::make_shared<heard>();
  caf::actor registry = keep(spawn_registry(sys, registry_options{1000ms, 3}));
  member_info info{"c1", member_role::consumer, {}, 4, "", ""};
  /// Sends a heartbeat request when told to, and records the answer.
  caf::actor member = keep(sys.spawn([l = log, m = info](caf::event_based_actor* self) {
    self->set_default_handler(caf::drop);
    return caf::behavior{
      [=](tick_atom, const caf::actor& reg) {
        self->request(reg, caf::infinite, heartbeat_atom::value, m)
          .then([=] { ++l->beats_ok; }, [=](caf::error& e) { l->refused = e; });
      },
      [=](register_atom, const caf::actor& reg) {
        self->request(reg, caf::infinite, register_atom::value, m).then([](const caf::actor&) {});
      },
    };
  }));

  registry_fixture() {
    auto l = log;
    auto mgr = keep(sys.spawn([l](caf::event_based_actor*) -> caf::behavior {
      return {
        [l](joined_atom, const member_info& m, const caf::actor&) { l->joined.push_back(m.node); },
        [l](lost_atom, const member_info& m) { l->lost.push_back(m.node); },
        [l](lost_atom, const member_info& m, const std::string& why) { // with the reason
          l->lost.push_back(m.node);
          l->why.push_back(why);
        },
      };
    }));
    self->send(registry, manager_atom::value, mgr);
    join();
    REQUIRE(log->joined.size() == 1);
  }

  void join() {
    self->send(member, register_atom::value, registry);
    sched.run();
  }

  void beat() {
    self->send(member, tick_atom::value, registry);
    sched.run();
  }
};

} // namespace

TEST_SUITE("registry") {

TEST_CASE_FIXTURE(registry_fixture, "a member that keeps beating stays") {
  for (int i = 0; i < 10; ++i) {
    advance(1000ms);
    beat();
  }
  CHECK(log->lost.empty());
  CHECK(log->beats_ok == 10);
}

TEST_CASE_FIXTURE(registry_fixture, "a member silent for 3 intervals is lost at the next check") {
  advance(1000ms);
  beat(); // last sign of life at t = 1 s
  advance(3000ms); // t = 4 s: silent for exactly 3 s, not more
  CHECK(log->lost.empty());
  advance(1000ms); // t = 5 s: the check finds it silent for 4 s > 3 s
  REQUIRE(log->lost.size() == 1);
  CHECK(log->lost[0] == "c1");
  REQUIRE(log->why.size() == 1);
  CHECK(log->why[0].find("missed 3 heartbeats") == 0); // the manager shows why
}

TEST_CASE_FIXTURE(registry_fixture, "a forgotten member's heartbeat is answered with unknown_member") {
  beat();
  CHECK(log->beats_ok == 1);
  advance(5000ms);
  REQUIRE(log->lost.size() == 1);
  beat();
  CHECK(log->beats_ok == 1);
  CHECK(log->refused.code() == static_cast<uint8_t>(ec::unknown_member));
  join(); // registers again
  CHECK(log->joined.size() == 2);
  beat();
  CHECK(log->beats_ok == 2);
}

} // TEST_SUITE
