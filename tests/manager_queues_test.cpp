// Issue 10 items 1-3 in the manager on virtual time: backpressure when the
// bounded queues and standby are full (nothing stored, nothing lost, the
// producer retries), recovered work beyond the bounds, the merge step of a
// split job (after its parts, with their results, across a restart), and
// dedupe (runs once, every task gets the result, progress per job).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "actors/producer.hpp"
#include "actors/store_actor.hpp"
#include "core/job_split.hpp"
#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// The types these tests' tasks have, as their consumers announce them.
const std::vector<std::string> test_types{"add", "noop", "part", "t"};

manager_options bounded(uint64_t cap, uint64_t standby) {
  manager_options o;
  o.queues.capacity = {cap, cap, cap};
  o.queues.standby = standby;
  return o;
}

struct small_queues : manager_fixture {
  small_queues() : manager_fixture(bounded(4, 2)) {}
};

task_list list_of(const std::string& origin, uint32_t seq, bool last,
                  std::vector<task_spec> tasks) {
  task_list l;
  l.origin = origin;
  l.job_name = origin;
  l.seq = seq;
  l.last = last;
  l.tasks = std::move(tasks);
  return l;
}

task_spec spec(const std::string& type, const std::string& payload = {},
               const std::string& dedupe = {}) {
  task_spec s;
  s.type = type;
  s.payload = payload;
  s.dedupe_key = dedupe;
  return s;
}

/// Reports each task the box got (from index `from` on) as `outcome`,
/// with result "r<payload>".
void report_from(manager_fixture& f, const std::string& node, const inbox& box, size_t from,
                 task_outcome outcome = task_outcome::succeeded) {
  std::vector<task_report> r;
  for (size_t i = from; i < box.tasks.size(); ++i)
    r.push_back(task_report{box.tasks[i].id, box.tasks[i].lease, outcome,
                            "r" + box.tasks[i].payload, 1});
  f.report(node, r);
}

/// Stops the fixture's manager and starts a new one on the same store, as
/// after a crash (the store is the truth).
void restart(manager_fixture& f, manager_options opts = {}) {
  opts.store = f.store;
  opts.node = "m";
  f.self->send_exit(f.mgr, caf::exit_reason::user_shutdown);
  f.sched.run();
  f.mgr = f.keep(spawn_manager(f.sys, opts));
  f.sched.run();
}

size_t stored_tasks(task_store& db) {
  auto rs = db.load();
  REQUIRE(rs);
  return rs->unfinished.size();
}

} // namespace

TEST_SUITE("manager_queues") {

TEST_CASE_FIXTURE(small_queues, "a list that does not fit queues plus standby is refused before it is stored") {
  list_ack ack;
  REQUIRE_FALSE(try_submit(list_of("a", 0, true, std::vector<task_spec>(6, spec("noop"))), ack));
  CHECK(snap().queues.depth[static_cast<int>(priority::normal)] == 4);
  CHECK(snap().queues.standby_total == 2);
  auto err = try_submit(list_of("b", 0, true, {spec("noop")}), ack);
  REQUIRE(err);
  CHECK(err.code() == static_cast<uint8_t>(ec::overloaded));
  CHECK(sys.render(err).find("queues are full") != std::string::npos);
  CHECK(stored_tasks(*db) == 6); // nothing of "b" was stored
  CHECK(snap().queues.rejected[1] == 1);
  CHECK(snap().queues.rejected_lists == 1);
  CHECK(snap().queues.reserved == std::array<uint64_t, priority_count>{});
  // A consumer drains 3: standby moves up, and the same list now fits.
  auto c1 = join("c1", 3);
  CHECK(c1->tasks.size() == 3);
  CHECK(snap().queues.standby_total == 0);
  CHECK(snap().queues.depth[static_cast<int>(priority::normal)] == 3);
  REQUIRE_FALSE(try_submit(list_of("b", 0, true, {spec("noop")}), ack));
  CHECK(stored_tasks(*db) == 7);
  metrics_snapshot m;
  auto req = self->request(mgr, caf::infinite, metrics_atom::value);
  sched.run();
  req.receive([&](const metrics_snapshot& x) { m = x; }, [](caf::error&) { FAIL("metrics"); });
  CHECK(m.queue_capacity[1] == 4);
  CHECK(m.standby_capacity == 2);
  CHECK(m.rejected[1] == 1);
  CHECK(m.queue_depth[1] == 4);
}

TEST_CASE_FIXTURE(small_queues, "retries and reclaimed tasks re-enter the queues even when they are full") {
  auto c1 = join("c1", 2);
  REQUIRE_FALSE(submit(2, "fail", 3).count == 0);
  REQUIRE(c1->tasks.size() == 2);
  list_ack ack;
  REQUIRE_FALSE(try_submit(list_of("full", 0, true, std::vector<task_spec>(6, spec("noop"))), ack));
  report_from(*this, "c1", *c1, 0, task_outcome::failed); // both retry later
  advance(100ms);
  CHECK(snap().queues.pending == 6 + 2 - 2); // 2 retries queued, c1 took 2 others
  CHECK(snap().queues.standby_total == 2);  // the retries overflow: kept, not refused
  CHECK(snap().stats.retries == 2);
  CHECK(snap().queues.rejected_lists == 0);
}

TEST_CASE("tasks recovered after a restart are never dropped, even beyond the bounds") {
  std::shared_ptr<task_store> db = *open_store("memory"); // memory: cannot fail
  REQUIRE(db);
  // Fill a store directly with 10 unfinished tasks, then start a manager
  // whose queues hold 2 + standby 1.
  job j{1, "j", "", "o", 10, true, 1};
  std::vector<task> ts(10);
  for (task_id i = 0; i < 10; ++i) {
    ts[i].id = i + 1;
    ts[i].job = 1;
    ts[i].spec = spec("noop");
  }
  REQUIRE_FALSE(db->put_tasks(j, 0, ts));
  actor_fixture f;
  auto store = f.keep(spawn_store_actor(f.sys, db, false));
  auto opts = bounded(2, 1);
  opts.store = store;
  auto mgr = f.keep(spawn_manager(f.sys, opts));
  f.sched.run();
  auto s = snapshot_from(f, mgr);
  CHECK(s.queues.depth[static_cast<int>(priority::normal)] == 2);
  CHECK(s.queues.standby_total == 8); // over its bound of 1: owned work is kept
  CHECK(s.open_tasks == 10);
}

TEST_CASE_FIXTURE(manager_fixture, "the producer retries a refused list with backoff and nothing is lost or doubled") {
  // (This fixture's queues are default; rebuild the manager with small ones.)
  restart(*this, bounded(5, 0));
  auto registry = keep(sys.spawn([m = mgr](caf::event_based_actor*) -> caf::behavior {
    return {[m](register_atom, const member_info&) { return m; },
            [](deregister_atom, const member_info&) {}};
  }));
  auto c1 = join("c1", 20);
  producer_options po;
  po.info = member_info{"p1", member_role::producer, {}, 0, "g", ""};
  po.registry = registry;
  po.heartbeat = 0ms;
  po.tasks = 15;
  po.spec = spec("noop");
  po.list_size = 5;
  po.print_progress = false;
  auto prod = keep(spawn_producer(sys, po));
  sched.run();
  self->send(mgr, joined_atom::value, po.info, prod);
  // Activated: lists 0 and 1 go out together and 1 does not fit; the last
  // list (2) waits until the others are stored.
  sched.run();
  CHECK(snap().queues.rejected_lists == 1);
  CHECK(c1->tasks.size() == 5);
  CHECK_FALSE(snap().jobs.begin()->second.sealed);
  advance(99ms);
  CHECK(c1->tasks.size() == 5);
  advance(1ms); // the producer's 100 ms backoff: list 1 again, then list 2
  CHECK(c1->tasks.size() == 15);
  report_from(*this, "c1", *c1, 0);
  CHECK(po.outcome->exit_code == 0);
  auto rs = db->load();
  REQUIRE(rs);
  REQUIRE(rs->jobs.size() == 1);
  CHECK(rs->jobs[0].total == 15);
  CHECK(rs->lists.size() == 3);
  CHECK(rs->unfinished.empty());
}

TEST_CASE_FIXTURE(manager_fixture, "the merge runs after every part succeeded and gets their results in order") {
  auto c1 = join("c1", 10, {}, test_types);
  std::vector<task_spec> tasks{spec("part", "0"), spec("part", "1"), spec("part", "2"),
                               spec("add", "m", merge_marker)};
  list_ack ack;
  REQUIRE_FALSE(try_submit(list_of("split", 0, true, tasks), ack));
  REQUIRE(c1->tasks.size() == 3); // the merge is held
  CHECK(snap().merges_waiting == 1);
  // Parts finish out of order; the merge waits for the last.
  std::vector<task_report> r{{c1->tasks[2].id, c1->tasks[2].lease, task_outcome::succeeded, "r2", 1},
                             {c1->tasks[0].id, c1->tasks[0].lease, task_outcome::succeeded, "r0", 1}};
  report("c1", r);
  CHECK(c1->tasks.size() == 3);
  report("c1", {{c1->tasks[1].id, c1->tasks[1].lease, task_outcome::succeeded, "r1", 1}});
  REQUIRE(c1->tasks.size() == 4);
  auto& m = c1->tasks[3];
  CHECK(m.type == "add");
  auto payload = nlohmann::json::parse(m.payload);
  CHECK(payload["payload"] == "m");
  CHECK(payload["results"] == nlohmann::json::array({"r0", "r1", "r2"}));
  report_from(*this, "c1", *c1, 3);
  auto p = progress(ack.job);
  CHECK(count(p, task_state::succeeded) == 4);
  CHECK(snap().jobs.at(ack.job).done);
}

TEST_CASE_FIXTURE(manager_fixture, "a part that fails for good cancels the merge with a reason") {
  auto c1 = join("c1", 10, {}, test_types);
  std::vector<task_spec> tasks{spec("part", "0"), spec("part", "1"), spec("add", "", merge_marker)};
  list_ack ack;
  REQUIRE_FALSE(try_submit(list_of("split", 0, true, tasks), ack));
  REQUIRE(c1->tasks.size() == 2);
  report("c1", {{c1->tasks[0].id, c1->tasks[0].lease, task_outcome::failed, "boom", 1}});
  auto p = progress(ack.job);
  CHECK(count(p, task_state::cancelled) == 1); // the merge
  CHECK(snap().merges_waiting == 0);
  report("c1", {{c1->tasks[1].id, c1->tasks[1].lease, task_outcome::succeeded, "ok", 1}});
  CHECK(c1->tasks.size() == 2); // the merge never ran
  CHECK(snap().jobs.at(ack.job).done);
  auto stored_t = db->get(ack.first + 2);
  REQUIRE(stored_t);
  auto& t = stored_t->t;
  CHECK(t.state == task_state::cancelled);
  CHECK(t.result.view().find("did not succeed") != std::string::npos);
}

TEST_CASE_FIXTURE(manager_fixture, "a held merge survives a manager restart and runs once its parts are done") {
  auto c1 = join("c1", 10, {}, test_types);
  std::vector<task_spec> tasks{spec("part", "0"), spec("part", "1"), spec("add", "", merge_marker)};
  list_ack ack;
  REQUIRE_FALSE(try_submit(list_of("split", 0, true, tasks), ack));
  REQUIRE(c1->tasks.size() == 2);
  report("c1", {{c1->tasks[0].id, c1->tasks[0].lease, task_outcome::succeeded, "a", 1}});
  // Restart: a new manager on the same store.
  restart(*this);
  CHECK(snap().merges_waiting == 1);
  auto c2 = join("c2", 10, {}, test_types);
  CHECK(c2->tasks.empty()); // part 1 waits the grace for c1's lease report
  advance(1000ms);          // none came (c1 is gone): it moves
  REQUIRE(c2->tasks.size() == 1); // part 1, reclaimed; the merge still held
  CHECK(c2->tasks[0].id == ack.first + 1);
  report("c2", {{c2->tasks[0].id, c2->tasks[0].lease, task_outcome::succeeded, "b", 1}});
  REQUIRE(c2->tasks.size() == 2);
  CHECK(nlohmann::json::parse(c2->tasks[1].payload)["results"]
        == nlohmann::json::array({"a", "b"}));
}

TEST_CASE_FIXTURE(manager_fixture, "same dedupe_key across jobs: runs once, every task gets the result") {
  auto c1 = join("c1", 10, {}, test_types);
  list_ack a, b;
  REQUIRE_FALSE(try_submit(list_of("ja", 0, true, {spec("t", "x", "k1"), spec("t", "y", "k1"),
                                                   spec("t", "z")}), a));
  REQUIRE_FALSE(try_submit(list_of("jb", 0, true, {spec("t", "x", "k1")}), b));
  REQUIRE(c1->tasks.size() == 2); // the k1 leader and the keyless one
  CHECK(snap().dedupe_followers == 2);
  report_from(*this, "c1", *c1, 0);
  auto pa = progress(a.job);
  auto pb = progress(b.job);
  CHECK(count(pa, task_state::succeeded) == 3);
  CHECK(count(pb, task_state::succeeded) == 1);
  CHECK(snap().jobs.at(a.job).done);
  CHECK(snap().jobs.at(b.job).done);
  CHECK(snap().stats.assigned == 2);
  auto stored_t = db->get(b.first);
  REQUIRE(stored_t);
  auto& t = stored_t->t;
  CHECK(t.state == task_state::succeeded);
  CHECK(t.result == "rx"); // the leader's result
  // The key is free again: a later task with it runs.
  list_ack c;
  REQUIRE_FALSE(try_submit(list_of("jc", 0, true, {spec("t", "x", "k1")}), c));
  CHECK(c1->tasks.size() == 3);
}

TEST_CASE_FIXTURE(manager_fixture, "a failed leader fails its followers and a cancelled one hands over") {
  auto c1 = join("c1", 10, {}, test_types);
  list_ack a, b;
  REQUIRE_FALSE(try_submit(list_of("ja", 0, true, {spec("t", "1", "k"), spec("t", "2", "k")}), a));
  REQUIRE(c1->tasks.size() == 1);
  report_from(*this, "c1", *c1, 0, task_outcome::failed);
  CHECK(count(progress(a.job), task_state::failed) == 2);

  REQUIRE_FALSE(try_submit(list_of("jb", 0, true, {spec("t", "3", "q"), spec("t", "4", "q")}), b));
  REQUIRE(c1->tasks.size() == 2);
  auto req = self->request(mgr, caf::infinite, cancel_atom::value, b.first);
  sched.run();
  req.receive([](uint64_t) {}, [](caf::error&) { FAIL("cancel"); });
  REQUIRE(c1->tasks.size() == 3); // the follower runs now
  CHECK(c1->tasks[2].payload == "4");
  report_from(*this, "c1", *c1, 2);
  auto p = progress(b.job);
  CHECK(count(p, task_state::cancelled) == 1);
  CHECK(count(p, task_state::succeeded) == 1);
}

TEST_CASE_FIXTURE(manager_fixture, "dedupe groups are rebuilt after a restart") {
  list_ack a;
  REQUIRE_FALSE(try_submit(list_of("ja", 0, true, {spec("t", "1", "k"), spec("t", "2", "k")}), a));
  restart(*this);
  auto c1 = join("c1", 10, {}, test_types);
  advance(1000ms); // a restarted manager assigns nothing for the grace
  REQUIRE(c1->tasks.size() == 1);
  report_from(*this, "c1", *c1, 0);
  CHECK(count(progress(a.job), task_state::succeeded) == 2);
}

} // TEST_SUITE
