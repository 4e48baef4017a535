// Producers active–standby per group on virtual time (DESIGN.md §6, issue 5):
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

  /// A list of job "etl" as producer `node` pushes it.
  void push(const std::string& node, uint32_t seq, bool last) {
    task_list l;
    l.origin = node + "_etl";
    l.job_name = "etl";
    l.group = "g";
    l.producer = node;
    l.seq = seq;
    l.last = last;
    l.tasks.assign(10, task_spec{});
    for (auto& t : l.tasks)
      t.type = "noop";
    list_ack ack;
    REQUIRE_FALSE(try_submit(l, ack));
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
  CHECK(st().active_producer["g"] == "p1");
  CHECK(st().active_producer["h"] == "p3");
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
  CHECK(resumes[0].origin == "p1_etl");
  CHECK(resumes[0].job_name == "etl");
  CHECK(resumes[0].stored == std::vector<uint32_t>{0, 1});
  CHECK_FALSE(resumes[0].sealed);
  CHECK(st().active_producer["g"] == "p2");
}

TEST_CASE_FIXTURE(producers_fixture, "an active producer back within the grace stays active") {
  join_producer("p1", "g");
  join_producer("p2", "g");
  lose_producer("p1", "g");
  advance(500ms);
  rejoin_producer("p1", "g");
  advance(2s);
  CHECK(told["p2"]->calls.empty());
  CHECK(st().active_producer["g"] == "p1");
}

TEST_CASE_FIXTURE(producers_fixture, "with no standby, the next producer to join takes over") {
  join_producer("p1", "g");
  push("p1", 0, false);
  lose_producer("p1", "g");
  advance(1s);
  CHECK(st().active_producer.count("g") == 0);
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
  auto fake_registry = keep(sys.spawn([m = mgr](caf::event_based_actor*) -> caf::behavior {
    return {[m](register_atom, const member_info&) { return m; },
            [](deregister_atom, const member_info&) {}};
  }));
  producer_options po;
  po.info = producer_info("p2", "g");
  po.registry = fake_registry;
  po.tasks = 40;
  po.list_size = 10;
  po.job_name = "etl";
  po.spec.type = "noop";
  po.print_progress = false;
  po.heartbeat = 0ms;
  auto prod = keep(spawn_producer(sys, po));
  sched.run();
  CHECK(st().stats.tasks == 20); // standby: registered, pushed nothing

  job_resume r{st().job_by_origin["p1_etl"], "p1_etl", "etl", {0, 1}, false};
  self->send(prod, activate_atom::value, std::vector<job_resume>{r});
  sched.run();
  CHECK(st().stats.tasks == 40); // lists 2 and 3 only: no task twice
  auto& j = st().jobs[r.job];
  CHECK(j.meta.total == 40);
  CHECK(j.meta.sealed);
  CHECK(st().lists.size() == 4);
}

} // TEST_SUITE
