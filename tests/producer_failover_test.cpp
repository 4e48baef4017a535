// Producers active–standby per group on virtual time (DESIGN.md §6):
// one active per group, the earliest standby promoted when the active one is
// lost past the grace, told which lists of its predecessor's job are stored,
// and pushing only the rest. A standby never pushes.
#include <doctest/doctest.h>

#include "actors/producer.hpp"
#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// What a fake producer was told.
struct activations {
  std::vector<std::vector<job_resume>> calls;
};

struct producers_fixture : manager_fixture {
  std::map<std::string, std::shared_ptr<activations>> told;
  std::map<std::string, caf::actor> producer_handles;

  member_info producer_info(const std::string& node, const std::string& group) {
    return member_info{node, member_role::producer, {}, 0, group, ""};
  }

  /// A fake producer joins `group` through the (absent) registry.
  void join_producer(const std::string& node, const std::string& group) {
    auto box = std::make_shared<activations>();
    told[node] = box;
    auto hdl = keep(sys.spawn([box](caf::event_based_actor*) -> caf::behavior {
      return {[box](activate_atom, const std::vector<job_resume>& r) { box->calls.push_back(r); }};
    }));
    producer_handles[node] = hdl;
    self->send(mgr, joined_atom::value, producer_info(node, group), hdl);
    sched.run();
  }

  void rejoin_producer(const std::string& node, const std::string& group) {
    self->send(mgr, joined_atom::value, producer_info(node, group), producer_handles[node]);
    sched.run();
  }

  void lose_producer(const std::string& node, const std::string& group) {
    self->send(mgr, lost_atom::value, producer_info(node, group));
    sched.run();
  }

  /// List `seq` of job "etl" (10 noop tasks) of the run `origin`.
  static task_list etl_list(const std::string& origin, const std::string& node, uint32_t seq,
                            bool last) {
    task_list l;
    l.origin = origin;
    l.job_name = "etl";
    l.group = "g";
    l.producer = node;
    l.seq = seq;
    l.last = last;
    l.tasks.assign(10, task_spec{});
    for (auto& t : l.tasks)
      t.type = "noop";
    return l;
  }

  /// A list of job "etl" as producer `node` pushes it; the run's identity is
  /// group g, job etl (core/job_identity.hpp).
  void push(const std::string& node, uint32_t seq, bool last) {
    list_ack ack;
    REQUIRE_FALSE(try_submit(etl_list("g/etl", node, seq, last), ack));
  }

  /// A real producer of group g running job etl (40 tasks in lists of 10),
  /// joining through a registry that answers with the manager and, if
  /// `announce`, tells the manager it joined (else the test activates it).
  caf::actor spawn_etl(const std::string& node, bool announce = true,
                       std::shared_ptr<producer_outcome> outcome =
                         std::make_shared<producer_outcome>()) {
    auto m = mgr;
    auto fake_registry = keep(sys.spawn([=](caf::event_based_actor* reg) -> caf::behavior {
      return {[=](register_atom, const member_info& info) {
                if (announce)
                  reg->send(m, joined_atom::value, info,
                            caf::actor_cast<caf::actor>(reg->current_sender()));
                return m;
              },
              [](deregister_atom, const member_info&) {}};
    }));
    return spawn_etl_through(node, fake_registry, std::move(outcome));
  }

  /// The same producer, joining through `registry`.
  caf::actor spawn_etl_through(const std::string& node, caf::actor registry,
                               std::shared_ptr<producer_outcome> outcome =
                                 std::make_shared<producer_outcome>()) {
    producer_options po;
    po.info = producer_info(node, "g");
    po.registry = std::move(registry);
    po.tasks = 40;
    po.list_size = 10;
    po.job_name = "etl";
    po.spec.type = "noop";
    po.print_progress = false;
    po.heartbeat = 0ms;
    po.outcome = std::move(outcome);
    return keep(spawn_producer(sys, po));
  }

  /// Reports success for everything the fake consumer was sent.
  void complete_all(const std::shared_ptr<inbox>& box) {
    report("c1", ok_all(*box));
    box->tasks.clear();
  }
};

} // namespace

TEST_SUITE("producers") {

TEST_CASE_FIXTURE(producers_fixture, "one producer per group is active; the others stand by") {
  join_producer("p1", "g");
  join_producer("p2", "g");
  join_producer("p3", "h");
  CHECK(told["p1"]->calls.size() == 1);
  CHECK(told["p2"]->calls.empty());
  CHECK(told["p3"]->calls.size() == 1); // another group, its own active
  CHECK(snap().active_producer["g"] == "p1");
  CHECK(snap().active_producer["h"] == "p3");
}

TEST_CASE_FIXTURE(producers_fixture, "a standby is promoted exactly when the grace expires and resumes the job") {
  join_producer("p1", "g");
  join_producer("p2", "g");
  join_producer("p3", "g");
  push("p1", 0, false);
  push("p1", 1, false);
  lose_producer("p1", "g");
  advance(999ms);
  CHECK(told["p2"]->calls.empty());
  advance(1ms);
  REQUIRE(told["p2"]->calls.size() == 1); // the earliest standby
  CHECK(told["p3"]->calls.empty());
  auto& resumes = told["p2"]->calls[0];
  REQUIRE(resumes.size() == 1);
  CHECK(resumes[0].origin == "g/etl");
  CHECK(resumes[0].job_name == "etl");
  CHECK(resumes[0].stored == std::vector<uint32_t>{0, 1});
  CHECK_FALSE(resumes[0].sealed);
  CHECK(snap().active_producer["g"] == "p2");
}

TEST_CASE_FIXTURE(producers_fixture, "an active producer back within the grace stays active") {
  join_producer("p1", "g");
  join_producer("p2", "g");
  lose_producer("p1", "g");
  advance(500ms);
  rejoin_producer("p1", "g");
  advance(2s);
  CHECK(told["p2"]->calls.empty());
  CHECK(snap().active_producer["g"] == "p1");
}

TEST_CASE_FIXTURE(producers_fixture, "with no standby, the next producer to join takes over") {
  join_producer("p1", "g");
  push("p1", 0, false);
  lose_producer("p1", "g");
  advance(1s);
  CHECK(snap().active_producer.count("g") == 0);
  join_producer("p9", "g");
  REQUIRE(told["p9"]->calls.size() == 1);
  REQUIRE(told["p9"]->calls[0].size() == 1);
  CHECK(told["p9"]->calls[0][0].stored == std::vector<uint32_t>{0});
}

TEST_CASE_FIXTURE(producers_fixture, "a producer joining after a completed push starts afresh") {
  join_producer("p1", "g");
  push("p1", 0, true); // sealed: the whole job is stored
  lose_producer("p1", "g");
  advance(1s);
  join_producer("p9", "g");
  REQUIRE(told["p9"]->calls.size() == 1);
  CHECK(told["p9"]->calls[0].empty()); // nothing to continue: no job runs twice
}

TEST_CASE_FIXTURE(producers_fixture, "a promoted producer pushes only the lists not stored yet") {
  push("p1", 0, false); // its predecessor stored lists 0 and 1 of 4
  push("p1", 1, false);
  auto prod = spawn_etl("p2", false);
  sched.run();
  CHECK(snap().stats.tasks == 20); // standby: registered, pushed nothing

  job_id run = 0;
  for (auto& [id, j] : snap().jobs)
    if (j.origin == "g/etl")
      run = id;
  REQUIRE(run != 0);
  job_resume r{run, "g/etl", "etl", {0, 1}, false};
  self->send(prod, activate_atom::value, std::vector<job_resume>{r});
  sched.run();
  CHECK(snap().stats.tasks == 40); // lists 2 and 3 only: no task twice
  auto s = snap();
  auto& j = s.jobs.at(r.job);
  CHECK(j.total == 40);
  CHECK(j.sealed);
  CHECK(j.lists == 4);
  CHECK(s.lists == 4);
}

TEST_CASE_FIXTURE(producers_fixture, "a producer whose run is stored whole only waits for its result") {
  auto box = join("c1", 100);
  auto first = std::make_shared<producer_outcome>();
  spawn_etl("p1", true, first);
  sched.run();
  REQUIRE(snap().jobs.size() == 1);
  CHECK(snap().stats.tasks == 40);
  complete_all(box);
  CHECK(first->exit_code == 0);
  // A -> B -> A: a later producer of the group with the same flags (the
  // standby that waited, or p1 restarted) finds the run and reports it.
  auto again = std::make_shared<producer_outcome>();
  spawn_etl("p1", true, again);
  sched.run();
  CHECK(again->exit_code == 0);
  CHECK(snap().jobs.size() == 1); // never stored twice
  CHECK(snap().stats.tasks == 40);
  CHECK(box->tasks.empty());
}

TEST_CASE_FIXTURE(producers_fixture, "an activation that comes before the registry's answer starts the push") {
  // The registry tells the manager at once but answers the producer only
  // when the test says so: the manager's activation arrives first.
  auto m = mgr;
  auto answer = std::make_shared<caf::response_promise>();
  auto registry = keep(sys.spawn([=](caf::event_based_actor* reg) -> caf::behavior {
    return {[=](register_atom, const member_info& info) {
              reg->send(m, joined_atom::value, info,
                        caf::actor_cast<caf::actor>(reg->current_sender()));
              *answer = reg->make_response_promise();
              return *answer;
            },
            [=](caf::ok_atom) { answer->deliver(m); },
            [](deregister_atom, const member_info&) {}};
  }));
  spawn_etl_through("p1", registry);
  sched.run();
  CHECK(snap().active_producer["g"] == "p1");
  CHECK(snap().stats.tasks == 0); // active, but not linked yet
  self->send(registry, caf::ok_atom::value);
  sched.run();
  CHECK(snap().stats.tasks == 40);
}

TEST_CASE_FIXTURE(producers_fixture, "a new run key starts a new run of the same job") {
  join("c1", 100);
  spawn_etl("p1");
  sched.run();
  auto l = etl_list("g/etl@2026-12-07", "", 0, true); // what --run=2026-12-07 makes
  list_ack ack;
  REQUIRE_FALSE(try_submit(l, ack));
  CHECK_FALSE(ack.resent);
  CHECK(snap().jobs.size() == 2);
  REQUIRE_FALSE(try_submit(l, ack)); // the same key again: the same job, answered again
  CHECK(ack.resent);
  CHECK(snap().jobs.size() == 2);
}

} // TEST_SUITE
