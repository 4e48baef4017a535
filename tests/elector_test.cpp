// The elector on virtual time with an in-memory lease row shared by two
// pretend manager processes: one leads, the other stands by and knows the
// leader; a leader cut off from the database stops before its lease can
// expire there; a released lease is taken by the standby within one
// standby interval; an expired one only after its TTL.
#include <doctest/doctest.h>

#include "actors/elector.hpp"
#include "support/actor_fixture.hpp"
#include "support/fake_lease.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct outcome {
  std::vector<uint64_t> led;          ///< epochs it started leading in
  std::vector<int64_t> led_at;        ///< virtual ms of each
  std::vector<std::string> stepped;   ///< step-down reasons
  std::vector<int64_t> stepped_at;
  std::string leader;                 ///< last leader seen while standing by
};

struct elector_fixture : actor_fixture {
  std::shared_ptr<fake_lease_row> row = std::make_shared<fake_lease_row>();
  int64_t t0 = 0;

  elector_fixture() {
    row->now = [this] { return now_ms(); };
    t0 = now_ms();
  }

  int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             sched.clock().now().time_since_epoch())
      .count();
  }

  /// A pretend manager process named `name`: its elector and what it did.
  std::pair<std::shared_ptr<shared_lease>, std::shared_ptr<outcome>> start(const std::string& name) {
    auto out = std::make_shared<outcome>();
    auto lease = std::make_shared<shared_lease>(std::make_unique<fake_lease>(
      row, name, encode_leader_address({name + ":4700", "http://" + name + ":8080"}), 1000));
    elector_options eo;
    eo.lease = lease;
    eo.own_thread = false;
    eo.hooks.lead = [this, out](uint64_t epoch) {
      out->led.push_back(epoch);
      out->led_at.push_back(now_ms());
    };
    eo.hooks.step_down = [this, out](const std::string& why) {
      out->stepped.push_back(why);
      out->stepped_at.push_back(now_ms());
    };
    eo.hooks.leader_seen = [out](const leader_address& a) { out->leader = a.registry; };
    keep(spawn_elector(sys, std::move(eo)));
    sched.run();
    return {lease, out};
  }

  /// Runs virtual time forward in steps of `step`, `n` times.
  void pass(caf::timespan step, int n) {
    for (int i = 0; i < n; ++i)
      advance(step);
  }
};

} // namespace

TEST_SUITE("elector") {

TEST_CASE_FIXTURE(elector_fixture, "the first process leads, the second stands by and knows the leader") {
  auto [la, a] = start("a");
  auto [lb, b] = start("b");
  pass(50ms, 40); // 2 s of renewals and standby attempts
  REQUIRE(a->led.size() == 1);
  CHECK(a->led[0] == 1);
  CHECK(a->stepped.empty());
  CHECK(b->led.empty());
  CHECK(b->leader == "a:4700");
  CHECK(row->holder == "a");
  CHECK(row->epoch == 1);
}

TEST_CASE_FIXTURE(elector_fixture, "a leader cut off from the database stops before its lease expires there") {
  auto [la, a] = start("a");
  auto [lb, b] = start("b");
  pass(50ms, 10);
  REQUIRE(a->led.size() == 1);
  int64_t expires_on_db = row->expires_at_ms; // the last renewal's expiry
  row->cut_off = "a";
  pass(10ms, 200);
  REQUIRE(a->stepped.size() == 1);
  CHECK(a->stepped_at[0] < expires_on_db);    // stopped while the row still said "a"
  // The standby leads only once the database let the lease expire.
  REQUIRE(b->led.size() == 1);
  CHECK(b->led[0] == 2);
  CHECK(b->led_at[0] >= expires_on_db);
  CHECK(b->led_at[0] <= expires_on_db + 100 + 10); // within one standby interval (+ one step)
  CHECK(a->stepped_at[0] < b->led_at[0]);
}

TEST_CASE_FIXTURE(elector_fixture, "a leader whose attempts all fail keeps leading until its local deadline only") {
  auto [la, a] = start("a");
  pass(50ms, 5);
  REQUIRE(a->led.size() == 1);
  auto renewed_at = row->expires_at_ms - 1000; // when the row was last stamped
  row->unreachable = true;
  pass(10ms, 150);
  REQUIRE(a->stepped.size() == 1);
  CHECK(a->stepped_at[0] <= renewed_at + 1000 - 250 + 10);
  CHECK(a->stepped[0].find("unreachable") != std::string::npos);
}

TEST_CASE_FIXTURE(elector_fixture, "a released lease is taken by the standby within one standby interval") {
  auto [la, a] = start("a");
  auto [lb, b] = start("b");
  pass(50ms, 10);
  REQUIRE(a->led.size() == 1);
  auto released_at = now_ms();
  CHECK_FALSE(la->release());
  pass(10ms, 30);
  REQUIRE(b->led.size() == 1);
  CHECK(b->led_at[0] - released_at <= 110);
  // The old holder never takes it back: a released lease stays released.
  CHECK(row->holder == "b");
  CHECK(a->stepped.size() <= 1); // its own next attempt finds another holder, or none ran
}

TEST_CASE_FIXTURE(elector_fixture, "a leader that finds a newer epoch in the row steps down at once") {
  auto [la, a] = start("a");
  pass(50ms, 4);
  REQUIRE(a->led.size() == 1);
  {
    std::lock_guard<std::mutex> guard{row->mtx}; // another process took it (paused leader)
    row->holder = "z";
    row->address = "z:4700 http://z:8080";
    ++row->epoch;
    row->expires_at_ms = now_ms() + 1000;
  }
  pass(50ms, 6);
  REQUIRE(a->stepped.size() == 1);
  CHECK(a->stepped[0].find("epoch 2") != std::string::npos);
}

} // TEST_SUITE
