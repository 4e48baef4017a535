// task_store::list_tasks (GET /v1/jobs/{id}/tasks) on both stores: a job's
// tasks across several lists, all or by state, paged, finished ones with
// their results and errors, long results cut on a UTF-8 boundary.
#include <doctest/doctest.h>

#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;

namespace {

/// Job 1 in two lists (ids 1-5 and 9-13) around job 2's list (6-8); then
/// 2, 4 and 10 FAILED, 3 and 11 SUCCEEDED, 12 TIMED_OUT, 5 RUNNING.
void fill(task_store& s, const std::string& long_result = "done") {
  auto j1 = make_job(1, "o1");
  j1.total = 5;
  REQUIRE_FALSE(s.put_tasks(j1, 0, make_tasks(1, 5, 1)));
  auto j2 = make_job(2, "o2");
  j2.total = 3;
  REQUIRE_FALSE(s.put_tasks(j2, 0, make_tasks(6, 3, 2)));
  j1.total = 10;
  REQUIRE_FALSE(s.put_tasks(j1, 1, make_tasks(9, 5, 1)));
  auto end = [](task_id id, task_state st, std::string result) {
    auto t = moved(make_task(id, id >= 6 && id <= 8 ? 2 : 1), st, 4);
    t.result = std::move(result);
    t.attempt = 3;
    return change_of(t);
  };
  REQUIRE_FALSE(s.apply({end(2, task_state::failed, "exit code 2: no such file"),
                         end(4, task_state::failed, "boom"),
                         end(10, task_state::failed, "bad input"),
                         end(3, task_state::succeeded, long_result),
                         end(11, task_state::succeeded, "ok"),
                         end(12, task_state::timed_out, "timed out after 5000 ms on c1"),
                         end(7, task_state::failed, "job 2's failure"),
                         change_of(moved(make_task(5), task_state::running, 3))}));
}

task_page list(task_store& s, job_id job, const char* state, uint64_t offset, uint32_t limit,
               uint32_t max_result = 1024) {
  task_query q;
  q.job = job;
  q.offset = offset;
  q.limit = limit;
  q.max_result = max_result;
  if (state != nullptr) {
    q.any_state = false;
    auto parsed = parse_task_state(state);
    REQUIRE(parsed);
    q.state = *parsed;
  }
  auto out = s.list_tasks(q);
  INFO(out.err().message);
  REQUIRE(out);
  return std::move(*out);
}

std::vector<task_id> ids_of(const task_page& p) {
  std::vector<task_id> out;
  for (auto& t : p.tasks)
    out.push_back(t.id);
  return out;
}

} // namespace

TEST_SUITE("store: a job's tasks") {

TEST_CASE_TEMPLATE("all of a job's tasks, paged across its lists in id order", K, memory_kind,
                   sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  fill(*store);
  auto p = list(*store, 1, nullptr, 0, 100);
  CHECK(p.total == 10);
  CHECK(ids_of(p) == std::vector<task_id>{1, 2, 3, 4, 5, 9, 10, 11, 12, 13});
  CHECK(ids_of(list(*store, 1, nullptr, 3, 4)) == std::vector<task_id>{4, 5, 9, 10});
  CHECK(ids_of(list(*store, 1, nullptr, 9, 4)) == std::vector<task_id>{13});
  auto past = list(*store, 1, nullptr, 10, 4);
  CHECK(past.tasks.empty());
  CHECK(past.total == 10);
  CHECK(ids_of(list(*store, 2, nullptr, 0, 100)) == std::vector<task_id>{6, 7, 8});
  auto none = list(*store, 9, nullptr, 0, 100);
  CHECK(none.total == 0);
  CHECK(none.tasks.empty());
}

TEST_CASE_TEMPLATE("by state: failed ones with their errors, others by their state", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  fill(*store);
  auto failed = list(*store, 1, "FAILED", 0, 100);
  CHECK(failed.total == 3);
  REQUIRE(ids_of(failed) == std::vector<task_id>{2, 4, 10});
  CHECK(failed.tasks[0].result == "exit code 2: no such file");
  CHECK(failed.tasks[0].state == task_state::failed);
  CHECK(failed.tasks[0].attempt == 3);
  CHECK(failed.tasks[0].max_attempts == 3);
  CHECK(failed.tasks[0].type == "noop");
  CHECK(failed.tasks[0].consumer == "c1");
  CHECK(failed.tasks[0].created_ms == 1002);
  CHECK(failed.tasks[0].finished_ms == 2200);
  auto page2 = list(*store, 1, "failed", 1, 1); // any case
  CHECK(page2.total == 3);
  CHECK(ids_of(page2) == std::vector<task_id>{4});
  CHECK(ids_of(list(*store, 1, "TIMED_OUT", 0, 10)) == std::vector<task_id>{12});
  CHECK(list(*store, 1, "CANCELLED", 0, 10).total == 0);
  auto ok = list(*store, 1, "SUCCEEDED", 0, 100);
  CHECK(ok.total == 2);
  CHECK(ids_of(ok) == std::vector<task_id>{3, 11});
  CHECK(ids_of(list(*store, 1, "SUCCEEDED", 1, 100)) == std::vector<task_id>{11});
  auto pending = list(*store, 1, "PENDING", 2, 2); // 1, 9 and 13 are pending
  CHECK(pending.total == 3);
  CHECK(ids_of(pending) == std::vector<task_id>{13});
  CHECK(ids_of(list(*store, 1, "RUNNING", 0, 10)) == std::vector<task_id>{5});
  CHECK(ids_of(list(*store, 2, "FAILED", 0, 10)) == std::vector<task_id>{7});
}

TEST_CASE_TEMPLATE("a long result is cut on a character boundary and flagged by its size", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  // 9 ASCII bytes, then a 3-byte character across the 10-byte limit
  std::string text = "123456789\xE2\x82\xAC tail";
  fill(*store, text);
  auto p = list(*store, 1, "SUCCEEDED", 0, 1, 10);
  REQUIRE(p.tasks.size() == 1);
  CHECK(p.tasks[0].result == "123456789");
  CHECK(p.tasks[0].result_bytes == text.size());
  auto whole = list(*store, 1, "SUCCEEDED", 0, 1, 1024);
  CHECK(whole.tasks[0].result == text);
  CHECK(whole.tasks[0].result_bytes == text.size());
}

TEST_CASE("the failed tasks of a job are read through the partial index") {
  temp_dir dir;
  auto path = dir.file("drover.db");
  { auto store = open_ok("sqlite:" + path); fill(*store); }
  // The statement list_tasks runs for FAILED (sqlite_store_read.cpp).
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE job=?1 "
                                 "AND state>=4 AND state=4 ORDER BY id", -1, &st, nullptr)
          == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(st) == SQLITE_ROW)
    plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + std::string{"; "};
  sqlite3_finalize(st);
  sqlite3_close(db);
  INFO(plan);
  CHECK(plan.find("tasks_ended_badly") != std::string::npos); // not a scan of every task
  CHECK(plan.find("SCAN tasks") == std::string::npos);
}

TEST_CASE("cut_utf8 and page_of") {
  std::string s = "ab\xC3\xA9" "cd"; // é is 2 bytes at 2..3
  auto t = s;
  cut_utf8(t, 3);
  CHECK(t == "ab");
  t = s;
  cut_utf8(t, 4);
  CHECK(t == "ab\xC3\xA9");
  t = s;
  cut_utf8(t, 100);
  CHECK(t == s);
  std::vector<stored_list> lists{{1, 1, 20, 3}, {1, 0, 10, 2}};
  CHECK(page_of(lists, 0, 10) == std::vector<task_id>{10, 11, 20, 21, 22});
  CHECK(page_of(lists, 1, 2) == std::vector<task_id>{11, 20});
  CHECK(page_of(lists, 5, 2).empty());
  CHECK(page_of({}, 0, 2).empty());
}

TEST_CASE_TEMPLATE("every job's failed tasks, and a job's tasks searched by key or id", K,
                   memory_kind, sqlite_kind, postgres_kind) {
  temp_dir dir;
  STORE_KIND_OR_SKIP(K);
  auto store = open_ok(K::spec(dir));
  fill(*store);
  task_query f; // job 0: every job, in id order
  f.any_state = false;
  f.state = task_state::failed;
  auto all = store->list_tasks(f);
  REQUIRE(all);
  CHECK(all->total == 4);
  CHECK(ids_of(*all) == std::vector<task_id>{2, 4, 7, 10});
  CHECK(all->tasks[2].job == 2);
  CHECK(all->tasks[2].result == "job 2's failure");
  f.offset = 1;
  f.limit = 2;
  CHECK(ids_of(*store->list_tasks(f)) == std::vector<task_id>{4, 7});
  f.state = task_state::timed_out;
  f.offset = 0;
  CHECK(ids_of(*store->list_tasks(f)) == std::vector<task_id>{12});

  auto j3 = make_job(3, "o3");
  j3.total = 4;
  auto ts = make_tasks(20, 4, 3);
  ts[1].spec.key = "user-7";
  ts[3].spec.key = "user-7";
  ts[2].spec.key = "user-8";
  REQUIRE_FALSE(store->put_tasks(j3, 0, ts));
  task_query s;
  s.job = 3;
  s.search = true;
  s.key = "user-7";
  auto found = store->list_tasks(s);
  REQUIRE(found);
  CHECK(found->total == 2);
  CHECK(ids_of(*found) == std::vector<task_id>{21, 23});
  CHECK(found->tasks[0].key == "user-7");
  s.key = "20"; // a task id: the route parses it
  s.id = 20;
  CHECK(ids_of(*store->list_tasks(s)) == std::vector<task_id>{20});
  s.key = "user-8";
  s.id = 0;
  s.any_state = false;
  s.state = task_state::pending;
  CHECK(ids_of(*store->list_tasks(s)) == std::vector<task_id>{22});
  s.state = task_state::failed;
  CHECK(store->list_tasks(s)->total == 0);
  s.job = 1; // another job's id is not found in this one
  s.any_state = true;
  s.key = "21";
  s.id = 21;
  CHECK(store->list_tasks(s)->tasks.empty());
}

} // TEST_SUITE
