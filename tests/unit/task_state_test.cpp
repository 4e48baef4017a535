// The versioned state machine of DESIGN.md §3, called as plain functions.
#include <doctest/doctest.h>

#include "core/task_state.hpp"

using namespace drover;

namespace {

task fresh(uint32_t max_attempts = 1) {
  task t;
  t.id = 1;
  t.spec.type = "noop";
  t.spec.max_attempts = max_attempts;
  return t;
}

constexpr task_state all_states[] = {
  task_state::pending,   task_state::assigned,  task_state::running,
  task_state::succeeded, task_state::failed,    task_state::cancelled,
  task_state::timed_out};

} // namespace

TEST_SUITE("task_state") {

TEST_CASE("exactly the transitions of the design are legal") {
  using s = task_state;
  auto legal = [](s from, s to) {
    switch (from) {
      case s::pending: return to == s::assigned || to == s::cancelled;
      case s::assigned:
        return to == s::running || to == s::failed || to == s::cancelled
               || to == s::timed_out;
      case s::running: return is_terminal(to);
      default: return false;
    }
  };
  int legal_count = 0;
  for (auto from : all_states)
    for (auto to : all_states) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      CHECK(is_legal(from, to) == legal(from, to));
      legal_count += is_legal(from, to) ? 1 : 0;
    }
  CHECK(legal_count == 2 + 4 + 4);
}

TEST_CASE("a legal move increments the version, an illegal one changes nothing") {
  for (auto from : all_states)
    for (auto to : all_states) {
      task t = fresh();
      t.state = from;
      t.version = 7;
      auto err = advance(t, to, 7);
      if (is_legal(from, to)) {
        CHECK(err == ec::none);
        CHECK(t.state == to);
        CHECK(t.version == 8);
      } else {
        CHECK(err == ec::bad_transition);
        CHECK(t.state == from);
        CHECK(t.version == 7);
      }
    }
}

TEST_CASE("levels only go forward: no move from a terminal state") {
  for (auto from : all_states)
    for (auto to : all_states)
      if (is_legal(from, to))
        CHECK(level(to) > level(from));
}

TEST_CASE("an update that names an old version is rejected as stale") {
  task t = fresh();
  REQUIRE(assign(t, "c1", 10) == ec::none);
  CHECK(advance(t, task_state::running, t.version - 1) == ec::stale_version);
  CHECK(t.state == task_state::assigned);
}

TEST_CASE("assign leases the new version to the consumer") {
  task t = fresh();
  REQUIRE(assign(t, "c1", 10) == ec::none);
  CHECK(t.state == task_state::assigned);
  CHECK(t.version == 1);
  CHECK(t.lease_version == 1);
  CHECK(t.consumer == "c1");
  CHECK(t.assigned_ms == 10);
  CHECK(assign(t, "c2", 11) == ec::bad_transition);
}

TEST_CASE("an ACK for a task still ASSIGNED implies it started") {
  task t = fresh();
  assign(t, "c1", 10);
  CHECK(apply_ack(t, 1, task_outcome::succeeded, "ok", 20) == ack_effect::succeeded);
  CHECK(t.state == task_state::succeeded);
  CHECK(t.version == 3); // ASSIGNED -> RUNNING -> SUCCEEDED
  CHECK(t.started_ms == 20);
  CHECK(t.finished_ms == 20);
  CHECK(t.result == "ok");
}

TEST_CASE("started then done moves through RUNNING with the same lease") {
  task t = fresh();
  assign(t, "c1", 10);
  CHECK(apply_started(t, 1, 12) == ack_effect::started);
  CHECK(t.state == task_state::running);
  CHECK(apply_started(t, 1, 13) == ack_effect::stale); // already running
  CHECK(apply_ack(t, 1, task_outcome::succeeded, "", 20) == ack_effect::succeeded);
  CHECK(t.version == 3);
}

TEST_CASE("a second ACK of a finished task is stale: one completion record") {
  task t = fresh();
  assign(t, "c1", 10);
  REQUIRE(apply_ack(t, 1, task_outcome::succeeded, "", 20) == ack_effect::succeeded);
  auto version = t.version;
  CHECK(apply_ack(t, 1, task_outcome::succeeded, "", 21) == ack_effect::stale);
  CHECK(t.version == version);
}

TEST_CASE("a failure with attempts left comes back PENDING with attempt+1") {
  task t = fresh(3);
  assign(t, "c1", 10);
  CHECK(apply_ack(t, 1, task_outcome::failed, "boom", 20) == ack_effect::retry);
  CHECK(t.state == task_state::pending);
  CHECK(t.attempt == 2);
  CHECK(t.consumer.empty());
  CHECK(t.version == 3);
  SUBCASE("the late ACK of the old attempt is stale") {
    CHECK(apply_ack(t, 1, task_outcome::succeeded, "", 21) == ack_effect::stale);
  }
  SUBCASE("retries run until max attempts, then the task FAILS") {
    assign(t, "c2", 30);
    CHECK(apply_ack(t, t.lease_version, task_outcome::failed, "", 31) == ack_effect::retry);
    assign(t, "c1", 40);
    CHECK(apply_ack(t, t.lease_version, task_outcome::failed, "last", 41) == ack_effect::failed);
    CHECK(t.state == task_state::failed);
    CHECK(t.attempt == 3);
    CHECK(t.result == "last");
  }
  SUBCASE("a retry can still succeed") {
    assign(t, "c2", 30);
    CHECK(apply_ack(t, t.lease_version, task_outcome::succeeded, "", 31) == ack_effect::succeeded);
  }
}

TEST_CASE("a timeout with no attempts left ends TIMED_OUT") {
  task t = fresh();
  assign(t, "c1", 10);
  CHECK(apply_ack(t, 1, task_outcome::timed_out, "", 20) == ack_effect::timed_out);
  CHECK(t.state == task_state::timed_out);
}

TEST_CASE("reclaim puts an assigned task back with a new version") {
  task t = fresh();
  assign(t, "c1", 10);
  reclaim(t);
  CHECK(t.state == task_state::pending);
  CHECK(t.version == 2);
  CHECK(t.attempt == 1);
  CHECK(apply_ack(t, 1, task_outcome::succeeded, "", 20) == ack_effect::stale);
  assign(t, "c2", 30);
  CHECK(t.lease_version == 3);
}

TEST_CASE("cancel ends any live task and refuses a finished one") {
  task t = fresh();
  CHECK(cancel(t, 5) == ec::none);
  CHECK(t.state == task_state::cancelled);
  CHECK(cancel(t, 6) == ec::bad_transition);
  task r = fresh();
  assign(r, "c1", 1);
  apply_started(r, 1, 2);
  CHECK(cancel(r, 3) == ec::none);
  CHECK(apply_ack(r, 1, task_outcome::succeeded, "", 4) == ack_effect::stale);
}

TEST_CASE("task ids print as node_ms_id and parse back") {
  auto s = format_task_id("mgr", 1700000000123, 42);
  CHECK(s == "mgr_1700000000123_42");
  auto id = parse_task_id(s);
  REQUIRE(id);
  CHECK(*id == 42);
  id = parse_task_id("17");
  REQUIRE(id);
  CHECK(*id == 17);
  CHECK_FALSE(parse_task_id("mgr_"));
  CHECK_FALSE(parse_task_id("x_1_4a"));
  CHECK(parse_task_id("x_1_4a").err().code == ec::bad_input);
  CHECK(parse_task_id("").err().message.find("not a task id") != std::string::npos);
}

} // TEST_SUITE
