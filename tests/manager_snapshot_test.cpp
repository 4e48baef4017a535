// The manager's snapshot: one request shows tasks by state, jobs, consumers,
// producers, queues and rules, consistent with what the manager did, and the
// pure snapshot_of() gives the same as the request.
#include <doctest/doctest.h>

#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

TEST_SUITE("manager snapshot") {

TEST_CASE_FIXTURE(manager_fixture, "an idle manager shows nothing but its rules") {
  auto s = snap();
  CHECK(s.jobs.empty());
  CHECK(s.consumers.empty());
  CHECK(s.producers.empty());
  CHECK(s.open_tasks == 0);
  CHECK(s.next_task == 1);
  CHECK(s.queues.pending == 0);
  CHECK(s.queues.capacity[1] > 0);
  CHECK_FALSE(s.holding);
  CHECK(s.rules_source == "<default>");
  CHECK(s.tasks.empty());
}

TEST_CASE_FIXTURE(manager_fixture, "tasks, jobs, credit and queues agree with what happened") {
  auto c1 = join("c1", 4, {"gpu"});
  auto ack = submit(10, "noop", 2);
  auto s = snap(true);
  REQUIRE(s.jobs.count(ack.job) == 1);
  auto& j = s.jobs.at(ack.job);
  CHECK(j.total == 10);
  CHECK(j.sealed);
  CHECK_FALSE(j.done);
  CHECK(j.lists == 1);
  CHECK(j.origin == "p1_job");
  CHECK(j.by_state[static_cast<int>(task_state::assigned)] == 4);
  CHECK(j.by_state[static_cast<int>(task_state::pending)] == 6);
  CHECK(s.count(task_state::assigned) == 4);
  CHECK(s.count(task_state::pending) == 6);
  CHECK(s.open_tasks == 10);
  CHECK(s.next_task == 11);
  CHECK(s.lists == 1);
  CHECK(s.queues.pending == 6);
  CHECK(s.queues.depth[static_cast<int>(priority::normal)] == 6);
  REQUIRE(s.consumers.count("c1") == 1);
  auto& c = s.consumers.at("c1");
  CHECK(c.inflight == 4);
  CHECK(c.capacity == 4);
  CHECK(c.tags == std::vector<std::string>{"gpu"});
  CHECK_FALSE(c.lost);
  CHECK(c.mode == node_mode::awake);
  CHECK(c.incarnation != 0);
  CHECK(s.stats.assigned == 4);
  REQUIRE(s.tasks.size() == 10);
  CHECK(s.tasks.front().id == ack.first);
  CHECK(s.tasks.back().id == ack.first + 9);
  uint64_t leased = 0;
  for (auto& t : s.tasks) {
    CHECK(t.job == ack.job);
    if (t.state == task_state::assigned) {
      ++leased;
      CHECK(t.consumer == "c1");
      CHECK(t.lease_version != 0);
    }
  }
  CHECK(leased == 4);

  // The first four succeed and leave memory; the same reports again are stale.
  auto first_four = ok_all(*c1);
  report("c1", first_four);
  report("c1", first_four);
  auto after = snap();
  CHECK(after.stats.stale == 4);
  CHECK(after.consumers.at("c1").inflight == 4); // the next four
  CHECK(after.count(task_state::succeeded) == 4);
  CHECK(after.open_tasks == 6);
  CHECK(after.at_ms >= s.at_ms);
}

TEST_CASE_FIXTURE(manager_fixture, "a lost consumer shows as lost until the grace passes") {
  join("c1", 2);
  submit(2);
  self->send(mgr, lost_atom::value, member_info{"c1", member_role::consumer, {}, 2, "", "", {}});
  sched.run();
  CHECK(snap().consumers.at("c1").lost);
  advance(2s); // past the default grace
  auto s = snap();
  CHECK(s.consumers.empty());
  CHECK(s.stats.reassigned == 2);
  CHECK(s.count(task_state::pending) == 2);
  CHECK(s.queues.pending == 2);
}

TEST_CASE_FIXTURE(manager_fixture, "the request and snapshot_of() say the same") {
  join("c1", 3);
  submit(5);
  auto asked = snap(true);
  auto direct = snapshot_of(st(), true);
  CHECK(asked.open_tasks == direct.open_tasks);
  CHECK(asked.tasks_by_state == direct.tasks_by_state);
  CHECK(asked.tasks.size() == direct.tasks.size());
  CHECK(asked.consumers.at("c1").inflight == direct.consumers.at("c1").inflight);
  CHECK(asked.queues.pending == direct.queues.pending);
  CHECK(asked.stats.assigned == direct.stats.assigned);
  CHECK(direct.at_ms == 0); // the pure function has no clock
  CHECK(snap(false).tasks.empty());
}

} // TEST_SUITE
