// Task types in the manager on virtual time: a task goes only to a consumer
// that announced its type; a task whose type no live consumer runs waits
// (unassignable, with the reason in job status and metrics), never fails for
// it, and is assigned as soon as a consumer that runs it registers, or
// re-registers after a handler swap. Parked tasks still count against the
// queue bounds, and a cancel clears them.
#include <doctest/doctest.h>

#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

using types = std::vector<std::string>;

struct types_fixture : manager_fixture {
  types_fixture() = default;
  explicit types_fixture(manager_options o) : manager_fixture(std::move(o)) {}

  job_info job(job_id id) {
    job_info out;
    auto req = self->request(mgr, caf::infinite, get_atom::value, job_atom::value, id);
    sched.run();
    req.receive([&](const job_info& j) { out = j; }, [&](caf::error& e) { FAIL(sys.render(e)); });
    return out;
  }

  metrics_snapshot metrics() {
    metrics_snapshot out;
    auto req = self->request(mgr, caf::infinite, metrics_atom::value);
    sched.run();
    req.receive([&](const metrics_snapshot& m) { out = m; },
                [&](caf::error& e) { FAIL(sys.render(e)); });
    return out;
  }

  /// Re-registers `node` (same actor, as after a handler swap) with `ts`.
  void reregister(const std::string& node, uint32_t capacity, types ts) {
    self->send(mgr, joined_atom::value,
               member_info{node, member_role::consumer, {}, capacity, "", "", std::move(ts)},
               handles[node]);
    sched.run();
  }
};

manager_options bounded(uint64_t cap) {
  manager_options o;
  o.queues.capacity = {cap, cap, cap};
  o.queues.standby = 1;
  return o;
}

struct small_queues : types_fixture {
  small_queues() : types_fixture(bounded(4)) {}
};

bool all_of_type(const inbox& box, const std::string& type) {
  for (auto& a : box.tasks)
    if (a.type != type)
      return false;
  return true;
}

} // namespace

TEST_SUITE("manager: task types") {

TEST_CASE_FIXTURE(types_fixture, "each task goes only to consumers that run its type") {
  auto c1 = join("c1", 100, {}, types{"noop"});
  auto c2 = join("c2", 100, {}, types{"resize", "echo"});
  submit(10, "noop", 1, "a");
  submit(10, "resize", 1, "b");
  submit(10, "echo", 1, "c");
  CHECK(c1->tasks.size() == 10);
  CHECK(all_of_type(*c1, "noop"));
  CHECK(c2->tasks.size() == 20);
  for (auto& a : c2->tasks)
    CHECK(a.type != "noop");
}

TEST_CASE_FIXTURE(types_fixture, "a type no live consumer runs waits with its reason, then goes to the first that runs it") {
  auto c1 = join("c1", 10, {}, types{"noop"});
  auto ack = submit(3, "resize");
  CHECK(c1->tasks.empty());
  auto j = job(ack.job);
  CHECK(j.unassignable == 3);
  CHECK(j.by_state[static_cast<int>(task_state::pending)] == 3);
  REQUIRE(j.waiting.size() == 1);
  CHECK(j.waiting[0].why == "no_type");
  CHECK(j.waiting[0].type == "resize");
  CHECK(j.waiting[0].reason == "no live consumer runs type 'resize'");
  CHECK(j.waiting[0].tasks == 3);
  auto m = metrics();
  REQUIRE(m.waiting.size() == 1);
  CHECK(m.waiting[0].tasks == 3);
  // An hour later they still wait: a missing type never fails a task.
  advance(std::chrono::hours(1));
  CHECK(progress(ack.job).unassignable == 3);
  CHECK(count(progress(ack.job), task_state::failed) == 0);
  // A consumer that runs it registers: it gets them at once.
  auto c2 = join("c2", 10, {}, types{"resize"});
  CHECK(c2->tasks.size() == 3);
  CHECK(c1->tasks.empty());
  j = job(ack.job);
  CHECK(j.unassignable == 0);
  CHECK(j.waiting.empty());
  CHECK(metrics().waiting.empty());
  report("c2", ok_all(*c2));
  CHECK(count(progress(ack.job), task_state::succeeded) == 3);
}

TEST_CASE_FIXTURE(types_fixture, "a consumer that re-registers with a new type after a swap takes the waiting tasks") {
  auto c1 = join("c1", 10, {}, types{"noop"});
  auto ack = submit(4, "thumb");
  CHECK(progress(ack.job).unassignable == 4);
  reregister("c1", 10, types{"noop", "thumb"});
  CHECK(c1->tasks.size() == 4);
  CHECK(all_of_type(*c1, "thumb"));
  CHECK(progress(ack.job).unassignable == 0);
  // ...and after a swap that drops the handler it gets no more of them
  reregister("c1", 10, types{"noop"});
  auto later = submit(2, "thumb", 1, "later");
  CHECK(c1->tasks.size() == 4);
  CHECK(progress(later.job).unassignable == 2);
}

TEST_CASE_FIXTURE(types_fixture, "the reason tells a missing type from missing tags") {
  join("c1", 10, {"cpu"}, types{"render"});
  auto ack = submit(2, "render", 1, "gpu-job", 0, {"gpu"});
  auto other = submit(1, "resize", 1, "resize-job");
  auto j = job(ack.job);
  REQUIRE(j.waiting.size() == 1);
  CHECK(j.waiting[0].why == "no_tags");
  CHECK(j.waiting[0].reason == "no live consumer that runs type 'render' has tags [gpu]");
  CHECK(job(other.job).waiting.at(0).why == "no_type");
  auto m = metrics();
  CHECK(m.waiting.size() == 2);
  // a gpu consumer that runs render: only those two go there
  auto g = join("g1", 10, {"gpu"}, types{"render"});
  CHECK(g->tasks.size() == 2);
  CHECK(job(ack.job).unassignable == 0);
  CHECK(job(other.job).unassignable == 1);
}

TEST_CASE_FIXTURE(types_fixture, "when the only consumer of a type is lost past the grace its tasks wait again") {
  join("c1", 10, {}, types{"noop"});
  auto c2 = join("c2", 1, {}, types{"resize"});
  auto ack = submit(3, "resize");
  CHECK(c2->tasks.size() == 1); // capacity 1: two wait as busy, not unassignable
  CHECK(progress(ack.job).unassignable == 0);
  self->send(mgr, lost_atom::value, member_info{"c2", member_role::consumer, {}, 1, "", "",
                                                types{"resize"}});
  sched.run();
  advance(1s); // the grace
  auto j = job(ack.job);
  CHECK(j.unassignable == 3);
  CHECK(j.waiting.at(0).reason == "no live consumer runs type 'resize'");
  CHECK(snap().stats.reassigned == 1);
}

TEST_CASE_FIXTURE(types_fixture, "with no consumer at all the job says so") {
  auto ack = submit(5, "noop");
  auto j = job(ack.job);
  CHECK(j.unassignable == 5);
  REQUIRE(j.waiting.size() == 1);
  CHECK(j.waiting[0].why == "no_consumer");
  CHECK(j.waiting[0].reason == "no consumer is registered");
  CHECK(metrics().waiting.at(0).tasks == 5);
  auto c1 = join("c1", 10);
  CHECK(c1->tasks.size() == 5);
  CHECK(job(ack.job).waiting.empty());
}

TEST_CASE_FIXTURE(types_fixture, "cancelling parked tasks clears them from the counts") {
  join("c1", 10, {}, types{"noop"});
  auto ack = submit(3, "resize");
  auto other = submit(2, "resize", 1, "other");
  CHECK(metrics().waiting.at(0).tasks == 5);
  auto cancel = self->request(mgr, caf::infinite, cancel_atom::value, task_id{ack.first});
  sched.run();
  cancel.receive([](uint64_t) {}, [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(progress(ack.job).unassignable == 2);
  auto whole = self->request(mgr, caf::infinite, cancel_atom::value, job_atom::value, ack.job);
  sched.run();
  whole.receive([](uint64_t n) { CHECK(n == 2); }, [&](caf::error& e) { FAIL(sys.render(e)); });
  auto p = progress(ack.job);
  CHECK(p.unassignable == 0);
  CHECK(count(p, task_state::cancelled) == 3);
  CHECK(progress(other.job).unassignable == 2);
  CHECK(metrics().waiting.at(0).tasks == 2);
  // a consumer for the type now gets only the other job's two
  auto c2 = join("c2", 10, {}, types{"resize"});
  CHECK(c2->tasks.size() == 2);
}

TEST_CASE_FIXTURE(small_queues, "parked tasks still count against the queue bounds") {
  join("c1", 10, {}, types{"noop"});
  submit(4, "resize"); // parked: out of the queue, not out of the bound
  auto before = snap();
  CHECK(before.queues.pending == 0);
  CHECK(before.queues.waiting == 4);
  list_ack ack;
  task_list more;
  more.origin = "more";
  more.job_name = "more";
  more.last = true;
  task_spec s;
  s.type = "resize";
  more.tasks.assign(2, s);
  auto err = try_submit(more, ack);
  REQUIRE(err);
  CHECK(err.code() == static_cast<uint8_t>(ec::overloaded));
  more.tasks.resize(1); // one fits the standby
  CHECK_FALSE(try_submit(more, ack));
}

} // TEST_SUITE
