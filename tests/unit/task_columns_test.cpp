// The tasks table generated from one column list (store/task_columns.hpp):
// the statements it produces, a round trip of every field, and a file whose
// tasks table lacks a column gaining it on open.
#include <doctest/doctest.h>

#include "store/sqlite_store.hpp"
#include "store/task_columns.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;

TEST_SUITE("task columns") {

TEST_CASE("the statements name every column once, in table order") {
  CHECK(task_column_list()
        == "id, job, state, version, attempt, lease_version, consumer, assigned_ms, "
           "started_ms, finished_ms, created_ms, type, prio, key, tags, dedupe_key, "
           "timeout_ms, max_attempts, result, payload");
  CHECK(task_insert_sql()
        == "INSERT INTO tasks(" + task_column_list()
             + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  // Only what a task_change carries, and the version guard on its own number.
  CHECK(task_update_sql()
        == "UPDATE tasks SET state=?2, version=?3, attempt=?4, lease_version=?5, "
           "consumer=?6, assigned_ms=?7, started_ms=?8, finished_ms=?9, result=?10 "
           "WHERE id=?1 AND version<?3");
  CHECK(task_table_sql().rfind("CREATE TABLE tasks(id INTEGER PRIMARY KEY, job INTEGER NOT NULL", 0)
        == 0);
  CHECK(task_table_sql().find("payload BLOB);") != std::string::npos);
  CHECK(task_columns_of({"id", "payload"}) == "id, payload");
  CHECK_THROWS_AS(task_columns_of({"id", "paylod"}), std::logic_error);
}

TEST_CASE("every field and every change survive a reopen") {
  temp_dir dir;
  auto spec = sqlite_kind::spec(dir);
  auto t = make_task(1); // odd id: tags set
  auto done = moved(t, task_state::succeeded, 4, "c7");
  done.attempt = 2;
  {
    auto store = open_ok(spec);
    REQUIRE_FALSE(store->put_tasks(make_job(1), 0, {t}));
    REQUIRE_FALSE(store->apply({change_of(done)}));
    REQUIRE_FALSE(store->apply({change_of(moved(t, task_state::running, 3))})); // older: ignored
  }
  auto store = open_ok(spec);
  auto got = store->get(1);
  REQUIRE(got);
  check_same(got->t, done);
}

TEST_CASE("a file whose tasks table lacks a column gains it on open, its rows kept") {
  temp_dir dir;
  auto spec = sqlite_kind::spec(dir);
  auto path = dir.file("drover.db");
  {
    auto store = open_ok(spec);
    auto t = make_task(2);
    REQUIRE_FALSE(store->put_tasks(make_job(1), 0, {t}));
  }
  // As a file written before the column existed (SQLite >= 3.35 drops columns).
  raw_exec(path, "ALTER TABLE tasks DROP COLUMN payload");
  CHECK(raw_int(path, "SELECT count(*) FROM pragma_table_info('tasks') WHERE name='payload'") == 0);
  auto store = open_ok(spec);
  CHECK(raw_int(path, "SELECT count(*) FROM pragma_table_info('tasks') WHERE name='payload'") == 1);
  auto old = store->get(2);
  REQUIRE(old);
  CHECK(old->t.spec.type == "noop");
  CHECK(old->t.spec.payload.empty()); // the column's default
  auto fresh = make_task(3);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 1, {fresh}));
  auto back = store->get(3);
  REQUIRE(back);
  check_same(back->t, fresh);
}

} // TEST_SUITE
