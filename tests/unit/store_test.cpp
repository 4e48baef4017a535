// The task_store contract (DESIGN.md §7): every behavioural case runs against
// both memory_store and sqlite_store. Files and durability of the sqlite
// store: store_sqlite_test.cpp.
#include <doctest/doctest.h>

#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;

TEST_SUITE("store") {

TEST_CASE_TEMPLATE("stored tasks come back from load with every field", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  auto j = make_job(1);
  j.total = 3;
  auto tasks = make_tasks(10, 3);
  REQUIRE_FALSE(store->put_tasks(j, 0, tasks));
  auto r = load_ok(*store);
  REQUIRE(r.jobs.size() == 1);
  CHECK(r.jobs[0].id == 1);
  CHECK(r.jobs[0].name == "job1");
  CHECK(r.jobs[0].group == "group-a");
  CHECK(r.jobs[0].origin == "origin-1");
  CHECK(r.jobs[0].total == 3);
  CHECK(r.jobs[0].created_ms == 1000);
  CHECK_FALSE(r.jobs[0].sealed);
  REQUIRE(r.unfinished.size() == 3);
  for (size_t i = 0; i < 3; ++i)
    check_same(r.unfinished[i], tasks[i]);
  REQUIRE(r.lists.size() == 1);
  CHECK(r.lists[0].job == 1);
  CHECK(r.lists[0].seq == 0);
  CHECK(r.lists[0].first == 10);
  CHECK(r.lists[0].count == 3);
  REQUIRE(r.counts.size() == 1);
  CHECK(r.counts[0].by_state[0] == 3);
  CHECK(r.max_task_id == 12);
  CHECK(r.max_job_id == 1);
}

TEST_CASE_TEMPLATE("a re-sent list is stored once and acknowledged again", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  auto j = make_job(1);
  j.total = 2;
  CHECK_FALSE(store->put_tasks(j, 0, make_tasks(1, 2)));
  CHECK_FALSE(store->put_tasks(j, 0, make_tasks(1, 2)));
  j.total = 5;
  j.sealed = true;
  CHECK_FALSE(store->put_tasks(j, 1, make_tasks(3, 3)));
  j.sealed = false; // a late re-send of list 0 does not unseal the job
  CHECK_FALSE(store->put_tasks(j, 0, make_tasks(1, 2)));
  CHECK_FALSE(store->put_tasks(make_job(2, ""), 0, make_tasks(6, 1, 2)));
  CHECK_FALSE(store->put_tasks(make_job(3, ""), 0, make_tasks(7, 1, 3)));
  auto r = load_ok(*store);
  CHECK(r.unfinished.size() == 7);
  REQUIRE(r.lists.size() == 4);
  CHECK(r.lists[0].seq == 0);
  CHECK(r.lists[1].seq == 1);
  CHECK(r.lists[1].first == 3);
  CHECK(r.lists[1].count == 3);
  REQUIRE(r.jobs.size() == 3);
  CHECK(r.jobs[0].total == 5);
  CHECK(r.jobs[0].sealed);
  CHECK_FALSE(r.jobs[1].sealed);
  CHECK(r.jobs[2].origin.empty());
  CHECK(r.max_job_id == 3);
}

TEST_CASE_TEMPLATE("a list the store refuses leaves nothing behind", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, make_tasks(1, 2)));
  CHECK(store->put_tasks(make_job(1), 1, make_tasks(2, 2)).code == ec::bad_input);
  CHECK(store->put_tasks(make_job(2), 0, make_tasks(5, 1, 2)).code == ec::bad_input);
  auto comma = make_tasks(6, 1, 3);
  comma[0].spec.tags = {"a,b"};
  CHECK(store->put_tasks(make_job(3, "o3"), 0, comma).code == ec::bad_input);
  auto r = load_ok(*store);
  CHECK(r.unfinished.size() == 2);
  CHECK(r.lists.size() == 1);
  CHECK(r.jobs.size() == 1);
  CHECK(r.max_task_id == 2);
}

TEST_CASE_TEMPLATE("load lists the unfinished tasks in id order, also after changes moved rows",
                   K, memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, make_tasks(1, 200)));
  // PostgreSQL writes a changed row anew at the end of the table: the
  // early tasks now sit physically after the later ones.
  std::vector<task_change> changes;
  for (task_id id = 1; id <= 50; ++id)
    changes.push_back(change_of(moved(make_task(id), task_state::assigned, 2)));
  REQUIRE_FALSE(store->apply(changes));
  auto r = load_ok(*store);
  REQUIRE(r.unfinished.size() == 200);
  for (size_t i = 0; i < r.unfinished.size(); ++i)
    CHECK(r.unfinished[i].id == i + 1);
}

TEST_CASE_TEMPLATE("a change never overwrites a newer version", K, memory_kind,
                   sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  auto t = make_task(1);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, {t}));
  auto running = moved(t, task_state::running, 2);
  auto assigned = moved(t, task_state::assigned, 1);
  auto same_version = moved(t, task_state::assigned, 2, "c9");
  REQUIRE_FALSE(store->apply({change_of(running)}));
  REQUIRE_FALSE(store->apply({change_of(assigned), change_of(same_version)}));
  auto stored_got = store->get(1);
  REQUIRE(stored_got);
  auto& got = stored_got->t;
  auto& events = stored_got->events;
  check_same(got, running);
  CHECK(events.empty());
}

TEST_CASE_TEMPLATE("several changes of a task in one batch end as the newest, events all kept",
                   K, memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  auto t = make_task(1);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, {t}));
  auto assigned = moved(t, task_state::assigned, 1);
  auto succeeded = moved(t, task_state::succeeded, 2);
  auto same_version = moved(t, task_state::assigned, 2, "c9");
  auto older = moved(t, task_state::running, 1);
  // Newest first and last, a tie after it, an older one: the first change
  // with the highest version is what the row ends as.
  REQUIRE_FALSE(store->apply({change_of(assigned),
                              change_of(succeeded),
                              change_of(same_version, event_kind::stale_ack, "late", 5),
                              change_of(older, event_kind::reassigned, "x", 6)}));
  auto stored_got = store->get(1);
  REQUIRE(stored_got);
  auto& got = stored_got->t;
  auto& events = stored_got->events;
  check_same(got, succeeded);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == event_kind::stale_ack);
  CHECK(events[1].kind == event_kind::reassigned);
}

TEST_CASE_TEMPLATE("terminal tasks are not loaded but counted", K, memory_kind,
                   sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  auto tasks = make_tasks(1, 5);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, tasks));
  auto other = make_tasks(6, 2, 2);
  REQUIRE_FALSE(store->put_tasks(make_job(2, "o2"), 0, other));
  REQUIRE_FALSE(store->apply({change_of(moved(other[1], task_state::cancelled, 1))}));
  REQUIRE_FALSE(store->apply({change_of(moved(tasks[0], task_state::failed, 3)),
                              change_of(moved(tasks[1], task_state::running, 2)),
                              change_of(moved(tasks[2], task_state::assigned, 1)),
                              change_of(moved(tasks[4], task_state::succeeded, 3))}));
  auto r = load_ok(*store);
  REQUIRE(r.unfinished.size() == 4);
  CHECK(r.unfinished[3].id == 6);
  CHECK(r.unfinished[0].id == 2);
  CHECK(r.unfinished[0].state == task_state::running);
  CHECK(r.unfinished[1].id == 3);
  CHECK(r.unfinished[2].id == 4);
  REQUIRE(r.counts.size() == 2);
  CHECK(r.counts[1].job == 2);
  CHECK(r.counts[1].by_state[int(task_state::cancelled)] == 1);
  CHECK(r.counts[1].by_state[int(task_state::pending)] == 1);
  const auto& by = r.counts[0].by_state;
  CHECK(by[int(task_state::pending)] == 1);
  CHECK(by[int(task_state::assigned)] == 1);
  CHECK(by[int(task_state::running)] == 1);
  CHECK(by[int(task_state::succeeded)] == 1);
  CHECK(by[int(task_state::failed)] == 1);
  CHECK(by[int(task_state::cancelled)] == 0);
  CHECK(r.max_task_id == 7); // the highest id is terminal, still not reused
}

TEST_CASE_TEMPLATE("only changes that name an event add one, oldest first", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  auto t = make_task(1);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, {t}));
  auto a1 = moved(t, task_state::assigned, 1, "c1");
  auto a2 = moved(t, task_state::assigned, 2, "c2");
  auto done = moved(t, task_state::timed_out, 3, "c2");
  REQUIRE_FALSE(store->apply({change_of(a1)}));
  REQUIRE_FALSE(store->apply({change_of(a2, event_kind::reassigned, "from c1", 50),
                              change_of(done, event_kind::timed_out, "", 60)}));
  // A stale ACK moves nothing, yet its record is kept.
  REQUIRE_FALSE(store->apply({change_of(a1, event_kind::stale_ack, "c1 lease 1", 70)}));
  auto stored_got = store->get(1);
  REQUIRE(stored_got);
  auto& got = stored_got->t;
  auto& events = stored_got->events;
  check_same(got, done);
  REQUIRE(events.size() == 3);
  CHECK(events[0].kind == event_kind::reassigned);
  CHECK(events[0].version == 2);
  CHECK(events[0].at_ms == 50);
  CHECK(events[0].detail == "from c1");
  CHECK(events[1].kind == event_kind::timed_out);
  CHECK(events[2].kind == event_kind::stale_ack);
  CHECK(events[2].detail == "c1 lease 1");
}

TEST_CASE_TEMPLATE("get of an unknown id is ec::unknown_task", K, memory_kind,
                   sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, make_tasks(1, 1)));
  CHECK(store->get(42).err().code == ec::unknown_task);
  CHECK(load_ok(*store).max_task_id == 1);
}

TEST_CASE("an unknown store spec is refused listing the accepted forms") {
  for (const char* spec : {"", "mysql://db", "postgres:/db", "sqlite:", "Memory"}) {
    CAPTURE(spec);
    error err = open_store(spec).err();
    CHECK(err);
    CHECK(err.code == ec::bad_input);
    CHECK(err.message.find("'memory'") != std::string::npos);
    CHECK(err.message.find("sqlite:PATH") != std::string::npos);
    CHECK(err.message.find("postgres://") != std::string::npos);
  }
}

TEST_CASE("change_of copies a task's mutable columns and the event") {
  auto t = moved(make_task(3), task_state::succeeded, 4);
  auto c = change_of(t, event_kind::retried, "attempt 2", 77);
  CHECK(c.id == 3);
  CHECK(c.state == task_state::succeeded);
  CHECK(c.version == 4);
  CHECK(c.lease_version == 4);
  CHECK(c.consumer == "c1");
  CHECK(c.result == "done");
  CHECK(c.finished_ms == 2200);
  CHECK(c.event == event_kind::retried);
  CHECK(c.detail == "attempt 2");
  CHECK(c.event_ms == 77);
  CHECK(std::string(to_string(event_kind::stale_ack)) == "stale_ack");
}

TEST_CASE_TEMPLATE("a job's row is updated in place, sealed and cancelled never go back", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  auto j = make_job(1);
  j.total = 2;
  j.producer = "p1";
  j.pushed_ms = 10;
  REQUIRE_FALSE(store->put_tasks(j, 0, make_tasks(1, 2)));
  j.sealed = true;
  j.cancelled = true;
  j.producer = "p2";
  j.pushed_ms = 20;
  REQUIRE_FALSE(store->put_job(j));
  j.sealed = false; // a stale writer cannot unseal or uncancel it
  j.cancelled = false;
  REQUIRE_FALSE(store->put_job(j));
  auto r = load_ok(*store);
  REQUIRE(r.jobs.size() == 1);
  CHECK(r.jobs[0].sealed);
  CHECK(r.jobs[0].cancelled);
  CHECK(r.jobs[0].producer == "p2");
  CHECK(r.jobs[0].pushed_ms == 20);
  CHECK(store->put_job(make_job(9, "other")).code == ec::unknown_job);
}

}
