// A restarted manager keeps the leases that come back (DESIGN.md §6, §13),
// on virtual time: recovered ASSIGNED/RUNNING tasks wait out the grace for
// their consumer's lease report; reported leases are kept, unreported ones
// move; an assignment the old manager never stored is taken back on; and
// nothing is assigned until the grace after the restart has passed.
#include <doctest/doctest.h>

#include "actors/manager.hpp"
#include "support/manager_fixture.hpp"
#include "actors/protocol_links.hpp"
#include "actors/store_actor.hpp"
#include "core/epoch_guard.hpp"
#include "core/handlers.hpp"
#include "store/task_store.hpp"
#include "support/actor_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

task stored_task(task_id id, task_state s, uint64_t version, const std::string& consumer) {
  task t;
  t.id = id;
  t.job = 1;
  t.spec.type = "noop";
  t.state = s;
  t.version = version;
  t.lease_version = s == task_state::pending ? 0 : version;
  t.consumer = consumer;
  t.created_ms = 1;
  return t;
}

/// What the old manager left: tasks 1 and 2 leased to c1, 3 queued (the
/// old manager had in fact assigned it to c1 as lease 1, then died before
/// storing that), 4 leased to c9, which never comes back.
struct restart_fixture : actor_fixture {
  std::shared_ptr<task_store> db;
  caf::actor store;
  caf::actor mgr;

  restart_fixture() {
    db = *open_store("memory"); // memory: cannot fail
    REQUIRE(db);
    job j{1, "etl", "g", "g/etl", 4, true, 1, "p1", 1, false};
    std::vector<task> tasks{stored_task(1, task_state::assigned, 1, "c1"),
                            stored_task(2, task_state::running, 2, "c1"),
                            stored_task(3, task_state::pending, 0, ""),
                            stored_task(4, task_state::assigned, 1, "c9")};
    REQUIRE_FALSE(db->put_tasks(j, 0, tasks));
    auto old_life = db->load(); // the old manager loaded this store once
    REQUIRE(old_life);
    store = keep(spawn_store_actor(sys, db, false));
    manager_options opts;
    opts.node = "m";
    opts.store = store;
    mgr = keep(spawn_manager(sys, opts));
    sched.run(); // recovery
  }

  manager_snapshot snap() { return snapshot_from(*this, mgr, true); }
  /// Live task `id` as the manager's snapshot shows it.
  task_view at(task_id id) {
    for (auto& t : snap().tasks)
      if (t.id == id)
        return t;
    FAIL("task " << id << " is not live");
    return {};
  }

  std::shared_ptr<inbox> join_c1() {
    auto box = std::make_shared<inbox>();
    auto hdl = keep(spawn_fake_consumer(sys, box));
    self->send(mgr, joined_atom::value,
               member_info{"c1", member_role::consumer, {}, 8, "", "", builtin_handlers().types()},
               hdl);
    sched.run();
    return box;
  }

  task stored(task_id id) {
    auto got = db->get(id);
    REQUIRE(got);
    return got->t;
  }
};

} // namespace

TEST_SUITE("manager restart") {

TEST_CASE_FIXTURE(restart_fixture, "recovered leases stay with their consumer and nothing is assigned during the grace") {
  CHECK(at(1).state == task_state::assigned);
  CHECK(at(2).state == task_state::running);
  CHECK(snap().holding);
  REQUIRE(snap().consumers.count("c1") == 1);
  CHECK(snap().consumers.at("c1").recovered);
  CHECK(snap().consumers.at("c1").in_doubt == 2);
  auto box = join_c1();
  CHECK(box->tasks.empty()); // task 3 is queued, but the hold is on
  CHECK_FALSE(snap().consumers.at("c1").recovered);
}

TEST_CASE_FIXTURE(restart_fixture, "a lease report keeps what it names, moves the rest, and takes back an unstored assignment") {
  auto box = join_c1();
  self->send(mgr, leases_atom::value, std::string{"c1"},
             std::vector<lease_ref>{{1, 1}, {3, 1}});
  sched.run();
  CHECK(at(1).state == task_state::assigned); // kept: c1 still runs it
  CHECK(at(1).lease_version == 1);
  CHECK(at(2).state == task_state::pending);  // not reported: not running there
  CHECK(at(2).version == 3);                  // a new version: a late ACK is stale
  CHECK(at(3).state == task_state::assigned); // the old manager's lease 1, taken back on
  CHECK(at(3).lease_version == 1);
  CHECK(at(3).consumer == "c1");
  CHECK(snap().consumers.at("c1").in_doubt == 0);
  CHECK(box->tasks.empty());
  // The report is answered with the manager's epoch (an abort of nothing),
  // so c1 refuses a deposed leader's aborts before its first assignment.
  REQUIRE(box->abort_epochs.size() == 1);
  CHECK(box->abort_epochs[0] == 2); // the store's second load: this manager's
  CHECK(at(3).lease_version < lease_floor_of(2)); // the lease it kept is older than that
  CHECK(box->aborts.empty());
  // c1's ACK of the kept lease completes task 1 without running it again.
  self->send(mgr, ack_atom::value, std::string{"c1"},
             std::vector<task_report>{{1, 1, task_outcome::succeeded, "ok", 1}});
  sched.run();
  for (auto& t : snap().tasks)
    CHECK(t.id != 1); // ended: it left memory
  // After the grace: the hold ends, task 2 goes out again; c9 never came
  // back, so task 4 moves too.
  advance(1000ms);
  CHECK_FALSE(snap().holding);
  CHECK(at(4).consumer == "c1");
  std::vector<task_id> sent;
  for (auto& a : box->tasks) {
    sent.push_back(a.id);
    CHECK(a.lease > (uint64_t{1} << 32)); // above every lease of the old manager (epoch 1)
  }
  std::sort(sent.begin(), sent.end());
  CHECK(sent == std::vector<task_id>{2, 4});
  CHECK(snap().consumers.count("c9") == 0);
  self->send(mgr, get_atom::value, task_id{1}); // flushes the changes to the store
  sched.run();
  CHECK(stored(1).state == task_state::succeeded);
  CHECK(stored(3).state == task_state::assigned);
}

TEST_CASE_FIXTURE(restart_fixture, "a consumer that comes back but never reports loses its leases after the grace") {
  join_c1();
  advance(999ms);
  CHECK(at(1).state == task_state::assigned);
  advance(1ms); // taken back, then (the hold is over too) leased again with new leases
  CHECK(at(1).lease_version > (uint64_t{1} << 32));
  CHECK(at(2).lease_version > (uint64_t{1} << 32));
  CHECK(snap().stats.reassigned >= 2);
}

} // TEST_SUITE
