// What only the PostgreSQL store does (the task_store contract itself runs
// against it in store_test.cpp and store_list_test.cpp): fencing by the
// leader lease epoch, surviving a PostgreSQL restart with writes in flight,
// giving up after a bounded time, refusing foreign and newer databases
// untouched, and bytes PostgreSQL text cannot hold.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/leader_lease.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;
using namespace drover::testing;

namespace {

std::unique_ptr<task_store> open_fenced(const std::string& url, uint64_t epoch) {
  store_options o;
  o.fence_epoch = epoch;
  auto s = open_store(url, o);
  INFO(s.err().message);
  REQUIRE(s);
  return std::move(*s);
}

} // namespace

TEST_SUITE("pg store") {

TEST_CASE("a deposed leader's writes are fenced off and change nothing") {
  DROVER_PG_URL_OR_SKIP(url);
  auto la = open_leader_lease(url, "a", "a:1", 60000);
  auto lb = open_leader_lease(url, "b", "b:1", 60000);
  REQUIRE(la);
  REQUIRE(lb);
  auto epoch_a = take_lease(**la);
  auto old = open_fenced(url, epoch_a);
  REQUIRE_FALSE(old->put_tasks(make_job(1), 0, make_tasks(1, 3)));
  REQUIRE_FALSE((*la)->release());
  auto epoch_b = take_lease(**lb);
  CHECK(epoch_b == epoch_a + 1);
  auto now = open_fenced(url, epoch_b);

  auto fenced = old->put_tasks(make_job(2, "o2"), 0, make_tasks(10, 2, 2));
  CHECK(fenced.code == ec::fenced);
  CHECK(fenced.message.find("another manager leads") != std::string::npos);
  CHECK(old->apply({change_of(moved(make_task(1), task_state::assigned, 2))}).code
        == ec::fenced);
  auto j = make_job(1);
  j.sealed = true;
  CHECK(old->put_job(j).code == ec::fenced);
  auto* server = shared_pg_server();
  auto db = db_of(url);
  CHECK(server->query_int(db, "SELECT count(*) FROM tasks") == 3);
  CHECK(server->query_int(db, "SELECT count(*) FROM jobs") == 1);
  CHECK(server->query_int(db, "SELECT max(version) FROM tasks") == 0);
  CHECK(server->query_int(db, "SELECT sealed FROM jobs WHERE id=1") == 0);
  CHECK(server->query_int(db, "SELECT count(*) FROM events") == 0);

  // The leader writes; reads stay open to anyone.
  CHECK_FALSE(now->apply({change_of(moved(make_task(1), task_state::assigned, 2),
                                    event_kind::assigned)}));
  CHECK(server->query_int(db, "SELECT version FROM tasks WHERE id=1") == 2);
  auto seen = old->get(1);
  REQUIRE(seen);
  CHECK(seen->t.version == 2);
  // A store that learns the new epoch (set_fence) writes again.
  old->set_fence(epoch_b);
  CHECK_FALSE(old->put_job(j));
  CHECK(server->query_int(db, "SELECT sealed FROM jobs WHERE id=1") == 1);
  // Fenced with no lease row at all: nothing is written either.
  auto url2 = pg_url_ok();
  CHECK(open_fenced(url2, 1)->put_tasks(make_job(1), 0, make_tasks(1, 1)).code == ec::fenced);
  CHECK(server->query_int(db_of(url2), "SELECT count(*) FROM tasks") == 0);
}

TEST_CASE("PostgreSQL restarting under writes: every acknowledged list and change is kept") {
  if (!pg_available())
    return;
  pg_server pg;
  REQUIRE(pg.start() == "");
  REQUIRE(pg.create_database("d") == "d");
  auto url = pg.url("d");
  auto store = open_ok(url);
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0};
  std::vector<uint32_t> acked_lists; // job ids whose list (and first change) were acknowledged
  error failure;                 // read after join()
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (uint32_t n = 1; !stop && n < 100000; ++n) {
      auto first = static_cast<task_id>(n) * 100;
      if ((failure = store->put_tasks(make_job(n, "o" + std::to_string(n)), 0,
                                      make_tasks(first, 50, n))))
        break;
      if ((failure = store->apply({change_of(moved(make_task(first, n),
                                                   task_state::succeeded, 3),
                                             event_kind::succeeded)})))
        break;
      acked_lists.push_back(n);
      ++acked;
    }
    failed = static_cast<bool>(failure);
  });
  auto wait_acks = [&](int n) {
    for (int i = 0; i < 2000 && acked < n && !failed; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  wait_acks(20);
  CHECK(pg.stop(pg_server::immediate) == ""); // crash-like: no shutdown checkpoint
  int at_crash = acked;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(pg.start() == "");
  wait_acks(at_crash + 20); // the writer got through the restart
  CHECK(pg.stop(pg_server::fast) == ""); // and a clean restart too
  REQUIRE(pg.start() == "");
  int at_second = acked;
  wait_acks(at_second + 20);
  stop = true;
  writer.join();
  MESSAGE("acknowledged " << at_crash << " before the crash, " << at_second
                          << " before the clean restart, " << acked.load() << " in all");
  INFO(failure.message);
  CHECK(failure.code == ec::none);
  CHECK(acked > at_second);
  auto r = load_ok(*open_ok(url));
  std::set<task_id> have;
  for (const auto& t : r.unfinished)
    have.insert(t.id);
  size_t lost = 0;
  for (auto n : acked_lists) {
    auto first = static_cast<task_id>(n) * 100;
    for (task_id id = first + 1; id < first + 50; ++id)
      lost += have.count(id) == 0;
    auto done = open_ok(url)->get(first);
    lost += !done || done->t.state != task_state::succeeded;
  }
  CHECK(lost == 0);
  CHECK(r.jobs.size() >= acked_lists.size());
}

TEST_CASE("an unreachable PostgreSQL is reported after the bounded retry, naming the server") {
  if (!pg_available())
    return;
  pg_server pg;
  REQUIRE(pg.start() == "");
  REQUIRE(pg.create_database("d") == "d");
  store_options o;
  o.retry_for_ms = 600;
  auto opened = open_store(pg.url("d"), o);
  REQUIRE(opened);
  REQUIRE(pg.stop() == "");
  auto began = std::chrono::steady_clock::now();
  auto err = (*opened)->put_tasks(make_job(1), 0, make_tasks(1, 1));
  auto took = std::chrono::steady_clock::now() - began;
  CHECK(err.code == ec::unreachable);
  CHECK(err.message.find("127.0.0.1:" + std::to_string(pg.port()) + "/d") != std::string::npos);
  CHECK(took < std::chrono::seconds(10));
  auto reopen = open_store(pg.url("d"));
  CHECK(reopen.err().code == ec::unreachable);
}

TEST_CASE("another application's database or a newer drover's is refused untouched") {
  DROVER_PG_URL_OR_SKIP(url);
  auto* server = shared_pg_server();
  auto db = db_of(url);
  REQUIRE(server->exec(db, "CREATE TABLE jobs(id int); INSERT INTO jobs VALUES (42)") == "");
  auto foreign = open_store(url);
  CHECK(foreign.err().code == ec::store_corrupt);
  CHECK(foreign.err().message.find(std::to_string(server->port()) + "/" + db)
        != std::string::npos);
  CHECK(server->query_int(db, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == 1);
  CHECK(server->query_int(db, "SELECT id FROM jobs") == 42);
  CHECK_FALSE(open_schedule_store(url));

  auto url2 = pg_url_ok();
  { auto first = open_ok(url2); }
  REQUIRE(server->exec(db_of(url2), "UPDATE drover_meta SET value='7' "
                                    "WHERE key='schema_version'") == "");
  auto newer = open_store(url2);
  CHECK(newer.err().code == ec::store_failure);
  CHECK(newer.err().message.find("v7") != std::string::npos);
}

TEST_CASE("bytes PostgreSQL text cannot hold: a result keeps them, a bad name is refused") {
  DROVER_PG_URL_OR_SKIP(url);
  auto store = open_ok(url);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, make_tasks(1, 2)));
  auto t = moved(make_task(1), task_state::failed, 3);
  t.result = std::string("bad \xff\xfe utf-8 and a \0 NUL", 24);
  REQUIRE_FALSE(store->apply({change_of(t, event_kind::failed, std::string("x\0\xff", 3), 9)}));
  auto got = store->get(1);
  REQUIRE(got);
  CHECK(got->t.result == t.result);
  REQUIRE(got->events.size() == 1);
  CHECK(got->events[0].detail == std::string("x\0\xff", 3));
  auto j = make_job(2, "o2");
  j.name = "bad \xff name";
  auto refused = store->put_tasks(j, 0, make_tasks(5, 1, 2));
  CHECK(refused.code == ec::bad_input);
  CHECK(load_ok(*store).jobs.size() == 1);
}

} // TEST_SUITE
