// The scheduler actor on virtual time next to a real manager: `every` fires
// on the grid, stop stops, a period change counts from the change, each run
// is a normal job that completes, and a restart applies catch_up
// none / one / all to the runs missed while it was down.
#include <doctest/doctest.h>

#include "actors/protocol_schedules.hpp"
#include "actors/scheduler.hpp"
#include "actors/store_actor.hpp"
#include "store/schedule_store.hpp"
#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* one_echo = R"({"name": "tick", "tasks": [{"type": "echo", "payload": "x"}]})";

struct scheduler_fixture : manager_fixture {
  std::shared_ptr<memory_schedule_store> db_sched = std::make_shared<memory_schedule_store>();
  /// Keeps the schedules as in drover run: a store actor (with the tasks'
  /// store beside them) outliving the scheduler across its restarts.
  caf::actor sched_store = keep(spawn_store_actor(sys, db, false, db_sched));
  caf::actor sch;

  scheduler_fixture() { sch = start_scheduler(); }

  caf::actor start_scheduler() {
    scheduler_options o;
    o.manager = mgr;
    o.store = sched_store;
    auto hdl = keep(spawn_scheduler(sys, o));
    sched.run();
    return hdl;
  }

  /// Sends a request to the scheduler and returns the record (or fails).
  template <class... Ts>
  schedule_record ask(Ts... xs) {
    schedule_record out;
    auto req = self->request(sch, caf::infinite, xs...);
    sched.run();
    req.receive([&](const schedule_record& r) { out = r; },
                [&](caf::error& e) { FAIL(sys.render(e)); });
    return out;
  }

  /// The error message of a request that must fail.
  template <class... Ts>
  std::string ask_error(Ts... xs) {
    std::string out = "<no error>";
    auto req = self->request(sch, caf::infinite, xs...);
    sched.run();
    req.receive([&](const schedule_record&) {},
                [&](caf::error& e) { out = e.context().get_as<std::string>(0); });
    return out;
  }

  schedule_record add(const std::string& every, const std::string& catch_up = "one",
                      const std::string& name = "s1") {
    schedule_input in;
    in.name = name;
    in.job_template = one_echo;
    in.every = every;
    in.catch_up = catch_up;
    return ask(sch_add_atom::value, in, false);
  }

  uint64_t runs(uint64_t id) { return ask(sch_get_atom::value, id).runs; }

  /// Moves virtual time on in 100 ms steps, as a real clock would pass,
  /// so a timer armed by a timer that just fired is due within the span.
  void run_for(caf::timespan d) {
    for (caf::timespan done{0}; done < d; done += 100ms)
      advance(std::min<caf::timespan>(100ms, d - done));
  }
};

} // namespace

TEST_SUITE("scheduler") {

TEST_CASE_FIXTURE(scheduler_fixture, "every fires on time, each run a stored job") {
  auto s = add("1s");
  CHECK(s.id == 1);
  CHECK(s.running);
  CHECK(s.next_ms == s.anchor_ms + 1000);
  run_for(999ms);
  CHECK(runs(1) == 0);
  run_for(1ms);
  CHECK(runs(1) == 1);
  run_for(3s);
  auto r = ask(sch_get_atom::value, uint64_t{1});
  CHECK(r.runs == 4);
  REQUIRE(r.recent.size() == 4);
  CHECK(r.recent[3].fire_ms == r.anchor_ms + 4000);
  CHECK(snap().jobs.size() == 4); // four normal jobs at the manager
  for (auto& run : r.recent) {
    CHECK(run.job != 0);
    CHECK(run.error.empty());
    CHECK(progress(run.job).total == 1);
  }
}

TEST_CASE_FIXTURE(scheduler_fixture, "runs are normal jobs that a consumer completes") {
  auto c1 = join("c1", 8);
  add("500ms");
  run_for(1s);
  REQUIRE(c1->tasks.size() == 2);
  report("c1", ok_all(*c1));
  auto r = ask(sch_get_atom::value, uint64_t{1});
  REQUIRE(r.recent.size() == 2);
  for (auto& run : r.recent) {
    auto p = progress(run.job);
    CHECK(p.sealed);
    CHECK(count(p, task_state::succeeded) == 1);
  }
}

TEST_CASE_FIXTURE(scheduler_fixture, "stop stops the runs and start resumes them from now") {
  add("1s");
  run_for(2s);
  CHECK(runs(1) == 2);
  auto stopped = ask(sch_stop_atom::value, uint64_t{1});
  CHECK_FALSE(stopped.running);
  CHECK(stopped.next_ms == -1);
  run_for(10s);
  CHECK(runs(1) == 2);
  auto started = ask(sch_start_atom::value, uint64_t{1});
  CHECK(started.running);
  CHECK(started.next_ms == started.anchor_ms + 1000);
  run_for(999ms);
  CHECK(runs(1) == 2); // nothing made up for the stopped time
  run_for(1ms);
  CHECK(runs(1) == 3);
}

TEST_CASE_FIXTURE(scheduler_fixture, "a period change while running takes effect from now") {
  add("1s");
  run_for(1500ms);
  CHECK(runs(1) == 1);
  auto changed = ask(sch_change_atom::value, uint64_t{1}, std::string{"5s"}, std::string{});
  CHECK(changed.every == "5s");
  CHECK(changed.next_ms == changed.anchor_ms + 5000);
  run_for(4999ms); // the old 1 s timer is stale and ignored
  CHECK(runs(1) == 1);
  run_for(1ms);
  CHECK(runs(1) == 2);
  CHECK(ask_error(sch_change_atom::value, uint64_t{1}, std::string{"5s"}, std::string{"* * * * *"})
        == "give either 'every' or 'cron', not both");
  CHECK(ask(sch_get_atom::value, uint64_t{1}).every == "5s"); // unchanged by the failure
}

TEST_CASE_FIXTURE(scheduler_fixture, "bad input is refused and nothing is kept") {
  schedule_input in;
  in.name = "bad";
  in.job_template = one_echo;
  CHECK(ask_error(sch_add_atom::value, in, false)
        == "a schedule needs 'every' (e.g. \"30s\") or 'cron' (e.g. \"*/5 * * * *\")");
  in.cron = "0 0 * * 9";
  CHECK(ask_error(sch_add_atom::value, in, false)
        == "cron field 5 (day-of-week) at column 9: 9 is out of range 0-7");
  in.cron = "";
  in.every = "10s";
  in.catch_up = "most";
  CHECK(ask_error(sch_add_atom::value, in, false)
        == "unknown catch_up 'most' (allowed: none, one, all)");
  in.catch_up = "one";
  in.job_template = R"({"name": "x"})";
  CHECK(ask_error(sch_add_atom::value, in, false).rfind("job: ", 0) == 0);
  auto stored = db_sched->load();
  REQUIRE(stored);
  CHECK(stored->empty());
  add("1s", "one", "dup");
  in.name = "dup";
  in.job_template = one_echo;
  CHECK(ask_error(sch_add_atom::value, in, false)
        == "a schedule named 'dup' exists already (id 1)");
}

TEST_CASE_FIXTURE(scheduler_fixture, "upsert by name keeps the id and the history") {
  add("1s", "one", "nightly");
  run_for(2s);
  schedule_input in;
  in.name = "nightly";
  in.job_template = one_echo;
  in.every = "10s";
  auto r = ask(sch_add_atom::value, in, true);
  CHECK(r.id == 1);
  CHECK(r.runs == 2);
  CHECK(r.every == "10s");
  CHECK(r.next_ms == r.anchor_ms + 10'000);
}

TEST_CASE_FIXTURE(scheduler_fixture, "delete removes the schedule and its timer") {
  add("1s");
  auto gone = ask(sch_del_atom::value, uint64_t{1});
  CHECK(gone.id == 1);
  run_for(5s);
  CHECK(snap().jobs.empty());
  CHECK(ask_error(sch_get_atom::value, uint64_t{1}) == "no schedule 1");
  auto stored = db_sched->load();
  REQUIRE(stored);
  CHECK(stored->empty());
}

TEST_CASE_FIXTURE(scheduler_fixture, "after a restart catch_up decides the missed runs") {
  // Three schedules, one per policy, every 1 s; one run each, then the
  // scheduler is down for 10.5 s: 10 fire times are missed.
  add("1s", "none", "n");
  add("1s", "one", "o");
  add("1s", "all", "a");
  run_for(1s);
  CHECK(snap().jobs.size() == 3);
  caf::anon_send_exit(sch, caf::exit_reason::kill);
  sched.run();
  run_for(10500ms);
  CHECK(snap().jobs.size() == 3); // nobody fired while it was down
  sch = start_scheduler();
  CHECK(runs(1) == 1);  // none: skipped
  CHECK(runs(2) == 2);  // one: the newest missed run
  CHECK(runs(3) == 11); // all: each of the 10
  CHECK(snap().jobs.size() == 3 + 1 + 10);
  auto one = ask(sch_get_atom::value, uint64_t{2});
  CHECK(one.recent.back().fire_ms == one.anchor_ms + 11'000);
  // All three are back on their 1 s grid: next at 12 s.
  for (uint64_t id : {1, 2, 3})
    CHECK(ask(sch_get_atom::value, id).next_ms == one.anchor_ms + 12'000);
  run_for(500ms);
  CHECK(runs(1) == 2);
  CHECK(runs(3) == 12);
}

TEST_CASE_FIXTURE(scheduler_fixture, "a restarted scheduler waits for its records before anything else") {
  add("1s", "one", "s1");
  caf::anon_send_exit(sch, caf::exit_reason::kill);
  sched.run();
  // The config's upsert reaches the new scheduler before the store answers
  // its load: it must still replace s1, not add a second schedule.
  scheduler_options o;
  o.manager = mgr;
  o.store = sched_store;
  sch = keep(spawn_scheduler(sys, o));
  schedule_input in;
  in.name = "s1";
  in.job_template = one_echo;
  in.every = "5s";
  auto req = self->request(sch, caf::infinite, sch_add_atom::value, in, true);
  sched.run();
  schedule_record got;
  req.receive([&](const schedule_record& r) { got = r; },
              [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(got.id == 1);
  CHECK(got.every == "5s");
  auto all = db_sched->load(); // written by the store actor, not the scheduler
  REQUIRE(all);
  REQUIRE(all->size() == 1);
  CHECK(all->at(0).every == "5s");
}

TEST_CASE_FIXTURE(scheduler_fixture, "deleting a schedule removes it from the store first") {
  add("1s");
  CHECK(ask(sch_del_atom::value, uint64_t{1}).id == 1);
  auto all = db_sched->load();
  REQUIRE(all);
  CHECK(all->empty());
  CHECK(ask_error(sch_get_atom::value, uint64_t{1}) == "no schedule 1");
}

TEST_CASE_FIXTURE(scheduler_fixture, "a stopped schedule stays stopped across a restart") {
  add("1s");
  ask(sch_stop_atom::value, uint64_t{1});
  caf::anon_send_exit(sch, caf::exit_reason::kill);
  sched.run();
  run_for(5s);
  sch = start_scheduler();
  auto r = ask(sch_get_atom::value, uint64_t{1});
  CHECK_FALSE(r.running);
  CHECK(r.runs == 0);
}

} // TEST_SUITE
