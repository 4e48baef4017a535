// The PostgreSQL store's writes beyond task lists and changes, under the
// leader lease: a deposed leader can neither change schedules nor count a
// store load, and a group of changes retried after its COMMIT reply was
// lost is applied once (events not doubled). Also the v2 -> v3 migration
// that brought the table of applied groups.
#include <doctest/doctest.h>

#include "store/leader_lease.hpp"
#include "store/pg_schema.hpp"
#include "store/pg_store.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;
using namespace drover::testing;

namespace {

/// Lease a leads at epoch 1, then hands over to b (epoch 2); returns both epochs.
std::pair<uint64_t, uint64_t> hand_over(const std::string& url) {
  auto la = open_leader_lease(url, "a", "a:1", 60000);
  auto lb = open_leader_lease(url, "b", "b:1", 60000);
  REQUIRE(la);
  REQUIRE(lb);
  auto a = take_lease(**la);
  REQUIRE_FALSE((*la)->release());
  auto b = take_lease(**lb);
  REQUIRE(b == a + 1);
  return {a, b};
}

schedule_record schedule(uint64_t id, const std::string& name, uint64_t runs) {
  schedule_record r;
  r.id = id;
  r.name = name;
  r.job_template = R"({"name":"r","tasks":[{"type":"echo"}]})";
  r.every = "30s";
  r.runs = runs;
  return r;
}

} // namespace

TEST_SUITE("pg fence") {

TEST_CASE("a deposed leader's schedule writes are fenced off and change nothing") {
  DROVER_PG_URL_OR_SKIP(url);
  auto la = open_leader_lease(url, "a", "a:1", 60000);
  REQUIRE(la);
  auto epoch_a = take_lease(**la);
  auto old = open_schedule_store(url);
  REQUIRE(old);
  (*old)->set_fence(epoch_a);
  REQUIRE_FALSE((*old)->save(schedule(1, "nightly", 3)));
  REQUIRE_FALSE((*old)->save(schedule(2, "hourly", 5)));

  auto lb = open_leader_lease(url, "b", "b:1", 60000);
  REQUIRE(lb);
  REQUIRE_FALSE((*la)->release());
  auto epoch_b = take_lease(**lb);
  REQUIRE(epoch_b == epoch_a + 1);

  auto saved = (*old)->save(schedule(1, "nightly", 99));
  CHECK(saved.code == ec::fenced);
  CHECK(saved.message.find("another manager leads") != std::string::npos);
  CHECK((*old)->save(schedule(7, "new", 1)).code == ec::fenced);
  CHECK((*old)->remove(2).code == ec::fenced);
  auto* server = shared_pg_server();
  auto db = db_of(url);
  CHECK(server->query_int(db, "SELECT count(*) FROM schedules") == 2);
  CHECK(server->query_int(db, "SELECT runs FROM schedules WHERE id = 1") == 3);
  CHECK(server->query_int(db, "SELECT runs FROM schedules WHERE id = 2") == 5);
  // No transaction is left open: reads still work on that connection.
  auto all = (*old)->load();
  REQUIRE(all);
  CHECK(all->size() == 2);

  // The new leader's store writes, and so does the old one once it is
  // fenced with the current epoch.
  auto now = open_schedule_store(url);
  REQUIRE(now);
  (*now)->set_fence(epoch_b);
  CHECK_FALSE((*now)->save(schedule(1, "nightly", 4)));
  CHECK_FALSE((*now)->remove(2));
  CHECK(server->query_int(db, "SELECT runs FROM schedules WHERE id = 1") == 4);
  CHECK(server->query_int(db, "SELECT count(*) FROM schedules") == 1);
  (*old)->set_fence(0); // unfenced: a single manager writes as before
  CHECK_FALSE((*old)->save(schedule(3, "solo", 1)));
  CHECK(server->query_int(db, "SELECT count(*) FROM schedules") == 2);
}

TEST_CASE("a deposed leader's load() does not count a new epoch") {
  DROVER_PG_URL_OR_SKIP(url);
  auto seed = open_ok(url);
  REQUIRE_FALSE(seed->put_tasks(make_job(1), 0, make_tasks(1, 2)));
  auto first = load_ok(*seed);
  auto* server = shared_pg_server();
  auto db = db_of(url);
  REQUIRE(server->query_int(db, "SELECT epoch FROM manager_epoch") == int64_t(first.epoch));

  auto [epoch_a, epoch_b] = hand_over(url);
  store_options o;
  o.fence_epoch = epoch_a;
  auto old = open_store(url, o);
  REQUIRE(old);
  auto refused = (*old)->load();
  REQUIRE_FALSE(refused);
  CHECK(refused.err().code == ec::fenced);
  CHECK(server->query_int(db, "SELECT epoch FROM manager_epoch") == int64_t(first.epoch));

  o.fence_epoch = epoch_b;
  auto now = open_store(url, o);
  REQUIRE(now);
  auto loaded = (*now)->load();
  INFO(loaded.err().message);
  REQUIRE(loaded);
  CHECK(loaded->epoch == first.epoch + 1);
  CHECK(loaded->unfinished.size() == 2);
  CHECK(server->query_int(db, "SELECT epoch FROM manager_epoch") == int64_t(first.epoch + 1));
}

TEST_CASE("a group retried after its COMMIT reply was lost is applied once") {
  DROVER_PG_URL_OR_SKIP(url);
  auto opened = open_store(url);
  REQUIRE(opened);
  auto* store = dynamic_cast<pg_store*>(opened->get());
  REQUIRE(store != nullptr);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, make_tasks(1, 3)));
  auto* server = shared_pg_server();
  auto db = db_of(url);

  store->drop_next_commit_reply();
  std::vector<task_change> group = {
    change_of(moved(make_task(1), task_state::assigned, 2), event_kind::assigned),
    change_of(moved(make_task(2), task_state::succeeded, 3), event_kind::succeeded),
    change_of(moved(make_task(3), task_state::failed, 3), event_kind::failed, "boom")};
  auto err = store->apply(group);
  INFO(err.message);
  CHECK_FALSE(err); // the retry found the group committed and reported success
  CHECK(server->query_int(db, "SELECT count(*) FROM events") == 3);
  CHECK(server->query_int(db, "SELECT count(*) FROM events WHERE task = 3") == 1);
  CHECK(server->query_int(db, "SELECT version FROM tasks WHERE id = 1") == 2);
  CHECK(server->query_int(db, "SELECT state FROM tasks WHERE id = 2")
        == int64_t(task_state::succeeded));

  // The next group is a new one: applied, its events stored.
  CHECK_FALSE(store->apply({change_of(moved(make_task(1), task_state::succeeded, 4),
                                      event_kind::succeeded)}));
  CHECK(server->query_int(db, "SELECT count(*) FROM events") == 4);
  CHECK(server->query_int(db, "SELECT version FROM tasks WHERE id = 1") == 4);
  // A second store on the same database numbers its groups apart.
  auto other = open_ok(url);
  CHECK_FALSE(other->apply({change_of(moved(make_task(1), task_state::succeeded, 5),
                                      event_kind::succeeded)}));
  CHECK(server->query_int(db, "SELECT count(*) FROM events") == 5);
  CHECK(server->query_int(db, "SELECT count(*) FROM applied_groups") == 2);
  auto got = store->get(1);
  REQUIRE(got);
  CHECK(got->events.size() == 3);
}

TEST_CASE("a version 2 database is migrated: groups are counted from then on") {
  DROVER_PG_URL_OR_SKIP(url);
  { auto first = open_ok(url); }
  auto* server = shared_pg_server();
  auto db = db_of(url);
  REQUIRE(server->exec(db, "DROP TABLE applied_groups; DROP SEQUENCE drover_writer_ids; "
                           "UPDATE drover_meta SET value='2' WHERE key='schema_version'")
          == "");
  auto store = open_ok(url);
  CHECK(server->query_int(db, "SELECT value::int FROM drover_meta WHERE key='schema_version'")
        == pg_schema_version);
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, make_tasks(1, 1)));
  CHECK_FALSE(store->apply({change_of(moved(make_task(1), task_state::assigned, 2),
                                      event_kind::assigned)}));
  CHECK(server->query_int(db, "SELECT count(*) FROM applied_groups") == 1);
  CHECK(server->query_int(db, "SELECT count(*) FROM events") == 1);
}

} // TEST_SUITE
