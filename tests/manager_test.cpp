// The manager in one actor system on virtual time: assignment by credit,
// ACKs with compare-and-set on the version, job progress, retries, and the
// grace period before a lost consumer's work moves.
#include <doctest/doctest.h>

#include "actors/protocol_links.hpp"

#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

TEST_SUITE("manager") {

TEST_CASE_FIXTURE(manager_fixture, "a list is stored before it is acknowledged") {
  auto ack = submit(10);
  CHECK(ack.count == 10);
  auto rs = db->load();
  REQUIRE(rs);
  CHECK(rs->unfinished.size() == 10);
  CHECK(rs->jobs.size() == 1);
}

TEST_CASE_FIXTURE(manager_fixture, "a consumer gets no more tasks than its credit") {
  auto c1 = join("c1", 4);
  submit(10);
  CHECK(c1->tasks.size() == 4);
  CHECK(c1->batches == 1); // one message carries the whole batch
  CHECK(snap().consumers.at("c1").inflight == 4);
  report("c1", ok_all(*c1));
  CHECK(c1->tasks.size() == 8); // ACKs free credit, more tasks follow
}

TEST_CASE_FIXTURE(manager_fixture, "least loaded: work spreads over consumers by free credit") {
  auto c1 = join("c1", 8);
  auto c2 = join("c2", 8);
  submit(12);
  CHECK(c1->tasks.size() == 6);
  CHECK(c2->tasks.size() == 6);
}

TEST_CASE_FIXTURE(manager_fixture, "every task of a job succeeds once and the job completes") {
  auto c1 = join("c1", 64);
  auto ack = submit(50);
  report("c1", ok_all(*c1));
  auto p = progress(ack.job);
  CHECK(p.sealed);
  CHECK(count(p, task_state::succeeded) == 50);
  auto s = snap();
  CHECK(s.jobs.at(ack.job).done);
  CHECK(s.stats.stale == 0);
  CHECK(s.open_tasks == 0); // terminal tasks leave memory; the store has them
  auto rs = db->load();
  REQUIRE(rs);
  CHECK(rs->unfinished.empty());
}

TEST_CASE_FIXTURE(manager_fixture, "a second ACK of the same task is stale and counted") {
  auto c1 = join("c1", 4);
  auto ack = submit(1);
  report("c1", ok_all(*c1));
  report("c1", ok_all(*c1));
  CHECK(snap().stats.stale == 1);
  CHECK(count(progress(ack.job), task_state::succeeded) == 1);
}

TEST_CASE_FIXTURE(manager_fixture, "an ACK naming a wrong lease is rejected and changes nothing") {
  auto c1 = join("c1", 4);
  auto ack = submit(1);
  auto r = ok_all(*c1);
  r[0].lease += 7;
  report("c1", r);
  CHECK(snap().stats.stale == 1);
  CHECK(count(progress(ack.job), task_state::assigned) == 1);
}

TEST_CASE_FIXTURE(manager_fixture, "a re-sent list is acknowledged again, not stored twice") {
  auto first = submit(5, "noop", 1, "p1_job", 0);
  auto again = submit(5, "noop", 1, "p1_job", 0);
  CHECK(again.job == first.job);
  CHECK(again.first == first.first);
  CHECK(progress(first.job).total == 5);
  auto rs = db->load();
  REQUIRE(rs);
  CHECK(rs->unfinished.size() == 5);
}

TEST_CASE_FIXTURE(manager_fixture, "a failed attempt is retried after a backoff until max attempts") {
  auto c1 = join("c1", 4);
  auto ack = submit(1, "fail", 3);
  REQUIRE(c1->tasks.size() == 1);
  auto fail = [&](size_t i) {
    auto& a = c1->tasks.at(i);
    report("c1", {task_report{a.id, a.lease, task_outcome::failed, "boom", 1}});
  };
  fail(0);
  CHECK(snap().stats.retries == 1);
  CHECK(c1->tasks.size() == 1);  // not before the backoff
  advance(99ms);
  CHECK(c1->tasks.size() == 1);
  advance(1ms);                  // 100 ms backoff for attempt 2
  REQUIRE(c1->tasks.size() == 2);
  CHECK(c1->tasks[1].attempt == 2);
  CHECK(c1->tasks[1].lease > c1->tasks[0].lease);
  fail(1);
  advance(200ms);                // 200 ms for attempt 3
  REQUIRE(c1->tasks.size() == 3);
  fail(2);
  auto p = progress(ack.job);
  CHECK(count(p, task_state::failed) == 1);
  CHECK(snap().jobs.at(ack.job).done);
}

TEST_CASE_FIXTURE(manager_fixture, "a lost consumer's tasks move only after the 1 s grace") {
  auto c1 = join("c1", 10);
  auto c2 = join("c2", 10);
  submit(10);
  REQUIRE(c1->tasks.size() == 5);
  self->send(mgr, lost_atom::value, member_info{"c1", member_role::consumer, {}, 10, "", ""});
  sched.run();
  advance(999ms);
  CHECK(c2->tasks.size() == 5); // nothing moved yet
  advance(1ms);
  CHECK(c2->tasks.size() == 10);
  CHECK(snap().stats.reassigned == 5);
  SUBCASE("late ACKs from the lost consumer are stale") {
    report("c1", ok_all(*c1));
    CHECK(snap().stats.stale == 5);
  }
}

TEST_CASE_FIXTURE(manager_fixture, "a grace timer from an earlier incarnation never cuts a later grace short") {
  join("c1", 10);
  auto c2 = join("c2", 10);
  member_info c1{"c1", member_role::consumer, {}, 10, "", ""};
  self->send(mgr, lost_atom::value, c1); // grace timer #1 due at 1000 ms
  sched.run();
  advance(200ms);
  auto again = join("c1", 10); // a new process under the same name
  submit(10);
  REQUIRE(again->tasks.size() == 5);
  advance(100ms);
  self->send(mgr, lost_atom::value, c1); // lost again at 300 ms: due at 1300 ms
  sched.run();
  advance(700ms); // t = 1000 ms: timer #1 fires and must find nothing to do
  CHECK(c2->tasks.size() == 5);
  advance(300ms); // t = 1300 ms: the real grace ends
  CHECK(c2->tasks.size() == 10);
}

TEST_CASE_FIXTURE(manager_fixture, "re-registration inside the grace moves nothing") {
  auto c1 = join("c1", 10);
  auto c2 = join("c2", 10);
  submit(10);
  self->send(mgr, lost_atom::value, member_info{"c1", member_role::consumer, {}, 10, "", ""});
  sched.run();
  advance(500ms);
  self->send(mgr, joined_atom::value,
             member_info{"c1", member_role::consumer, {}, 10, "", "", builtin_handlers().types()},
             handles["c1"]);
  // As every consumer does after joining: it still holds its 5 leases.
  std::vector<lease_ref> held;
  for (auto& a : c1->tasks)
    held.push_back(lease_ref{a.id, a.lease});
  self->send(mgr, leases_atom::value, std::string{"c1"}, held);
  sched.run();
  advance(2s);
  CHECK(c2->tasks.size() == 5);
  CHECK(snap().stats.reassigned == 0);
  report("c1", ok_all(*c1));
  CHECK(snap().stats.stale == 0);
}

TEST_CASE_FIXTURE(manager_fixture, "a consumer back within the grace keeps only the leases it reports") {
  auto c1 = join("c1", 10);
  join("c2", 0); // no credit: what moves stays queued, visible in the counts
  submit(4);
  REQUIRE(c1->tasks.size() == 4);
  self->send(mgr, lost_atom::value, member_info{"c1", member_role::consumer, {}, 10, "", ""});
  sched.run();
  self->send(mgr, joined_atom::value,
             member_info{"c1", member_role::consumer, {}, 10, "", "", builtin_handlers().types()},
             handles["c1"]);
  // Two assignments were lost with its connection: it reports the others.
  self->send(mgr, leases_atom::value, std::string{"c1"},
             std::vector<lease_ref>{{c1->tasks[0].id, c1->tasks[0].lease},
                                    {c1->tasks[1].id, c1->tasks[1].lease}});
  sched.run();
  CHECK(snap().stats.reassigned == 2);
  auto kept = task_of(c1->tasks[0].id);
  REQUIRE(kept);
  CHECK(kept->state == task_state::assigned);
  auto moved = task_of(c1->tasks[2].id);
  REQUIRE(moved);
  CHECK(moved->lease_version != c1->tasks[2].lease);
}

TEST_CASE_FIXTURE(manager_fixture, "tasks no member can take wait, then go to a fitting member") {
  auto c1 = join("c1", 10);
  auto ack = submit(3, "noop", 1, "p1_job", 0, {"gpu"});
  CHECK(c1->tasks.empty());
  CHECK(progress(ack.job).unassignable == 3);
  auto g = join("g1", 10, {"gpu", "cpu"});
  CHECK(g->tasks.size() == 3);
  CHECK(progress(ack.job).unassignable == 0);
}

TEST_CASE_FIXTURE(manager_fixture, "a watcher hears when the job is done") {
  auto c1 = join("c1", 10);
  auto ack = submit(3);
  self->send(mgr, watch_atom::value, ack.job);
  sched.run();
  report("c1", ok_all(*c1));
  bool done = false;
  for (int i = 0; i < 2 && !done; ++i) // skip the empty reply to watch, if any
    self->receive(
      [&](job_done_atom, const job_progress& p) {
        done = count(p, task_state::succeeded) == 3;
      },
      [&](caf::message&) {}, caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(done);
}

namespace {

task_list one_list(uint32_t n, const std::string& origin = "p1_job") {
  task_list list;
  list.origin = origin;
  list.job_name = "test";
  list.last = true;
  task_spec spec;
  spec.type = "noop";
  list.tasks.assign(n, spec);
  return list;
}

/// What the answer to request `id` is, if it came: progress or error.
struct answer {
  bool came = false;
  job_progress progress;
  caf::error err;
};

answer answer_to(caf::scoped_actor& self, caf::message_id id) {
  answer a;
  caf::blocking_actor::accept_one_cond once;
  self->varargs_receive(
    once, id,
    [&](const job_progress& p) {
      a.came = true;
      a.progress = p;
    },
    [&](caf::error& e) {
      a.came = true;
      a.err = e;
    },
    caf::after(std::chrono::seconds(0)) >> [] {});
  return a;
}

} // namespace

TEST_CASE_FIXTURE(manager_fixture, "submit and wait is answered once, with the progress of the finished job") {
  auto c1 = join("c1", 10);
  auto req = self->request(mgr, caf::infinite, submit_atom::value, watch_atom::value,
                           one_list(3));
  sched.run();
  REQUIRE(c1->tasks.size() == 3); // stored and assigned
  CHECK_FALSE(answer_to(self, req.id()).came); // no list_ack: the job's end is the answer
  std::vector<task_report> first{task_report{c1->tasks[0].id, c1->tasks[0].lease,
                                             task_outcome::succeeded, "done", 1}};
  report("c1", first);
  CHECK_FALSE(answer_to(self, req.id()).came); // two still run
  auto rest = ok_all(*c1);
  rest.erase(rest.begin());
  report("c1", rest);
  auto a = answer_to(self, req.id());
  REQUIRE(a.came);
  CHECK_FALSE(a.err);
  CHECK(a.progress.total == 3);
  CHECK(count(a.progress, task_state::succeeded) == 3);
  // The same list again (a client's retry): answered at once, stored once.
  auto again = self->request(mgr, caf::infinite, submit_atom::value, watch_atom::value,
                             one_list(3));
  sched.run();
  auto b = answer_to(self, again.id());
  REQUIRE(b.came);
  CHECK(b.progress.job == a.progress.job);
  CHECK(count(b.progress, task_state::succeeded) == 3);
  CHECK(st().table.size() == 0); // nothing new was stored or is pending
}

TEST_CASE_FIXTURE(manager_fixture, "submit and wait answers a refused list with the error") {
  auto req = self->request(mgr, caf::infinite, submit_atom::value, watch_atom::value,
                           one_list(1, ""));
  sched.run();
  auto a = answer_to(self, req.id());
  REQUIRE(a.came);
  REQUIRE(a.err);
  CHECK(sys.render(a.err).find("origin") != std::string::npos);
  submit(1, "noop", 1, "sealed_job"); // sealed: a second list is refused
  auto late = one_list(1, "sealed_job");
  late.seq = 1;
  auto req2 = self->request(mgr, caf::infinite, submit_atom::value, watch_atom::value,
                            std::move(late));
  sched.run();
  auto b = answer_to(self, req2.id());
  REQUIRE(b.came);
  CHECK(b.err);
  CHECK(st().done_waiters.empty()); // nothing left waiting for a job that will not come
}

} // TEST_SUITE
