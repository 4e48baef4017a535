// Timeouts and cancels on virtual time (DESIGN.md §6): the manager
// ends attempts before their consumer does, tells the consumer to abort,
// frees the credit, and rejects the consumer's late report as stale.
#include <doctest/doctest.h>

#include "core/epoch_guard.hpp"
#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

task_spec sleeper(uint32_t timeout_ms, uint32_t attempts = 1) {
  task_spec s;
  s.type = "sleep";
  s.payload = "5000";
  s.timeout_ms = timeout_ms;
  s.max_attempts = attempts;
  return s;
}

struct control_fixture : manager_fixture {
  using manager_fixture::manager_fixture;

  caf::error cancel(task_id id) {
    caf::error out;
    auto req = self->request(mgr, caf::infinite, cancel_atom::value, id);
    sched.run();
    req.receive([](uint64_t) {}, [&](caf::error& e) { out = e; });
    return out;
  }

  uint64_t cancel_job(job_id id) {
    uint64_t n = 0;
    auto req = self->request(mgr, caf::infinite, cancel_atom::value, job_atom::value, id);
    sched.run();
    req.receive([&](uint64_t x) { n = x; }, [&](caf::error& e) { FAIL(sys.render(e)); });
    return n;
  }
};

/// A consumer that prefetches: `prefetch` tasks beyond `capacity` while its
/// tasks are short.
struct prefetch_fixture : control_fixture {
  std::shared_ptr<inbox> join_prefetching(uint32_t capacity, uint32_t prefetch) {
    auto box = std::make_shared<inbox>();
    auto hdl = keep(spawn_fake_consumer(sys, box));
    member_info info{"c1", member_role::consumer, {}, capacity, "", "",
                     builtin_handlers().types()};
    info.prefetch = prefetch;
    self->send(mgr, joined_atom::value, info, hdl);
    sched.run();
    return box;
  }
  void start(const assignment& a) {
    self->send(mgr, started_atom::value, std::string{"c1"}, std::vector<lease_ref>{{a.id, a.lease}});
    sched.run();
  }
  void finish(const assignment& a, uint32_t run_us) {
    report("c1", {task_report{a.id, a.lease, task_outcome::succeeded, "", run_us}});
  }
};

struct default_timeout_fixture : control_fixture {
  static manager_options with_default() {
    manager_options o;
    o.default_timeout_ms = 200;
    return o;
  }
  default_timeout_fixture() : control_fixture(with_default()) {}
};

} // namespace

TEST_SUITE("timeouts") {

TEST_CASE_FIXTURE(control_fixture, "an attempt past its timeout is aborted and ends TIMED_OUT") {
  auto c = join("c1", 4);
  auto ack = submit_spec(1, sleeper(500));
  REQUIRE(c->tasks.size() == 1);
  advance(499ms);
  CHECK(count(progress(ack.job), task_state::assigned) == 1);
  CHECK(c->aborts.empty());
  advance(1ms);
  auto p = progress(ack.job);
  CHECK(count(p, task_state::timed_out) == 1);
  REQUIRE(c->aborts.size() == 1);
  CHECK(c->aborts[0].id == c->tasks[0].id);
  CHECK(c->aborts[0].lease == c->tasks[0].lease);
  // The abort names the sender's epoch, the one its leases carry: the
  // consumer refuses it from a deposed leader (core/epoch_guard.hpp).
  REQUIRE_FALSE(c->abort_epochs.empty());
  CHECK(c->abort_epochs.back() == epoch_of_lease(c->tasks[0].lease));
  CHECK(snap().consumers.at("c1").inflight == 0); // the credit came back at once
  CHECK(snap().stats.timeouts == 1);
  report("c1", ok_all(*c)); // the consumer finished anyway: too late
  CHECK(snap().stats.stale == 1);
  CHECK(count(progress(ack.job), task_state::succeeded) == 0);
}

TEST_CASE_FIXTURE(control_fixture, "a timed-out attempt is retried while attempts remain") {
  auto c = join("c1", 4);
  auto ack = submit_spec(1, sleeper(300, 2));
  advance(300ms);
  CHECK(count(progress(ack.job), task_state::pending) == 1);
  CHECK(snap().stats.retries == 1);
  advance(100ms); // the first retry backoff
  REQUIRE(c->tasks.size() == 2);
  CHECK(c->tasks[1].attempt == 2);
  CHECK(c->tasks[1].lease != c->tasks[0].lease);
  report("c1", {task_report{c->tasks[1].id, c->tasks[1].lease, task_outcome::succeeded, "", 1}});
  CHECK(count(progress(ack.job), task_state::succeeded) == 1);
  advance(1s); // the second attempt's timer finds nothing to do
  CHECK(snap().stats.timeouts == 1);
}

TEST_CASE_FIXTURE(control_fixture, "an attempt that ends in time is never timed out") {
  auto c = join("c1", 4);
  auto ack = submit_spec(3, sleeper(1000));
  report("c1", ok_all(*c));
  advance(5s);
  CHECK(count(progress(ack.job), task_state::succeeded) == 3);
  CHECK(snap().stats.timeouts == 0);
  CHECK(c->aborts.empty());
}

TEST_CASE_FIXTURE(default_timeout_fixture, "tasks without a timeout get the configured default") {
  auto c = join("c1", 4);
  auto ack = submit_spec(2, sleeper(0));
  REQUIRE(c->tasks.size() == 2);
  CHECK(c->tasks[0].timeout_ms == 200);
  advance(200ms);
  CHECK(count(progress(ack.job), task_state::timed_out) == 2);
}

TEST_CASE_FIXTURE(prefetch_fixture, "a prefetched task's timeout counts from its start, not its assignment") {
  auto c = join_prefetching(1, 3);
  auto ack = submit_spec(6, sleeper(100));
  REQUIRE(c->tasks.size() == 1); // nothing measured yet: its capacity
  finish(c->tasks[0], 1000);     // 1 ms: short, the prefetch counts
  REQUIRE(c->tasks.size() == 5); // capacity 1 + prefetch 3
  advance(60ms);
  start(c->tasks[1]); // the others wait at the consumer
  advance(40ms);      // 100 ms since the assignment
  CHECK(c->aborts.empty());
  CHECK(snap().stats.timeouts == 0);
  advance(59ms);
  CHECK(c->aborts.empty());
  advance(1ms); // 100 ms since task 2 started
  REQUIRE(c->aborts.size() == 1);
  CHECK(c->aborts[0].id == c->tasks[1].id);
  start(c->tasks[2]);
  advance(300ms); // its timeout passes too; the two still waiting have not begun
  REQUIRE(c->aborts.size() == 2);
  CHECK(c->aborts[1].id == c->tasks[2].id);
  CHECK(count(progress(ack.job), task_state::timed_out) == 2);
  // Tasks 4 and 5 wait still; task 6 went out when task 2's ended.
  CHECK(count(progress(ack.job), task_state::assigned) == 3);
}

TEST_CASE_FIXTURE(prefetch_fixture, "long tasks keep a consumer's window at its capacity") {
  auto c = join_prefetching(2, 6);
  submit_spec(20, sleeper(0));
  REQUIRE(c->tasks.size() == 2);
  finish(c->tasks[0], 50'000); // 50 ms a task: no prefetch
  CHECK(c->tasks.size() == 3);
  CHECK(snap().consumers.at("c1").inflight == 2);
  // Short tasks from now on: the mean moves an eighth of the way per
  // report, below 10 ms after the 13th (50 ms x (7/8)^13 = 8.8 ms).
  for (size_t i = 1; i <= 12; ++i) {
    REQUIRE(i < c->tasks.size());
    finish(c->tasks[i], 100);
  }
  CHECK(snap().consumers.at("c1").inflight == 2);
  finish(c->tasks[13], 100);
  CHECK(snap().consumers.at("c1").inflight == 6); // 20 tasks: 14 done, the other 6 out
  CHECK(c->tasks.size() == 20);
}

} // TEST_SUITE

TEST_SUITE("cancel") {

TEST_CASE_FIXTURE(control_fixture, "a cancelled PENDING task never starts") {
  auto ack = submit(3);
  REQUIRE_FALSE(cancel(ack.first));
  auto c = join("c1", 10);
  REQUIRE(c->tasks.size() == 2);
  for (auto& a : c->tasks)
    CHECK(a.id != ack.first);
  CHECK(count(progress(ack.job), task_state::cancelled) == 1);
}

TEST_CASE_FIXTURE(control_fixture, "a cancelled RUNNING task is aborted and its credit reused") {
  auto c = join("c1", 1);
  auto ack = submit(2, "sleep");
  REQUIRE(c->tasks.size() == 1);
  auto first = c->tasks[0];
  self->send(mgr, started_atom::value, std::string{"c1"},
             std::vector<lease_ref>{{first.id, first.lease}});
  sched.run();
  CHECK(count(progress(ack.job), task_state::running) == 1);
  REQUIRE_FALSE(cancel(first.id));
  REQUIRE(c->aborts.size() == 1);
  CHECK(c->aborts[0].id == first.id);
  REQUIRE(c->tasks.size() == 2); // the freed slot took the next task
  report("c1", {task_report{first.id, first.lease, task_outcome::succeeded, "", 1}});
  CHECK(snap().stats.stale == 1); // the late ACK of the cancelled attempt
  auto p = progress(ack.job);
  CHECK(count(p, task_state::cancelled) == 1);
  CHECK(count(p, task_state::succeeded) == 0);
}

TEST_CASE_FIXTURE(control_fixture, "cancelling a finished or unknown task says why") {
  auto c = join("c1", 4);
  auto ack = submit(1);
  report("c1", ok_all(*c));
  auto err = cancel(ack.first);
  CHECK(err.code() == static_cast<uint8_t>(ec::unknown_task));
  CHECK(sys.render(err).find("already finished") != std::string::npos);
  CHECK(cancel(999999).code() == static_cast<uint8_t>(ec::unknown_task));
}

TEST_CASE_FIXTURE(control_fixture, "cancelling a job ends every unfinished task and completes it") {
  auto c = join("c1", 4);
  task_list first;
  first.origin = "p1_job";
  first.job_name = "test";
  first.tasks.assign(10, task_spec{});
  for (auto& s : first.tasks)
    s.type = "sleep";
  list_ack ack;
  REQUIRE_FALSE(try_submit(first, ack));
  REQUIRE(c->tasks.size() == 4);
  report("c1", {task_report{c->tasks[0].id, c->tasks[0].lease, task_outcome::succeeded, "", 1}});
  self->send(mgr, watch_atom::value, ack.job);
  sched.run();
  CHECK(cancel_job(ack.job) == 9); // one had already succeeded
  CHECK(c->aborts.size() == 4);    // 3 leased + the one dispatched after the ACK
  auto p = progress(ack.job);
  CHECK(count(p, task_state::cancelled) == 9);
  CHECK(count(p, task_state::succeeded) == 1);
  CHECK(p.sealed); // no list will follow
  bool told = false;
  self->receive([&](job_done_atom, const job_progress&) { told = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(told);
  first.seq = 1; // the producer's next list is refused, not stored
  auto err = try_submit(first, ack);
  CHECK(sys.render(err).find("was cancelled") != std::string::npos);
}

} // TEST_SUITE
