// Crash recovery across processes: the registry+manager is SIGKILLed in the
// middle of a 50,000-task job and restarted on the same SQLite file. What
// counts is what the store holds afterwards, read directly (read-only) with
// SQL; every wait is bounded and every assertion is exact.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "support/db_query.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

constexpr int64_t total_tasks = 50000;


/// Polls `sql` until it yields at least `want`; gives up after `limit`, or
/// once the value has not moved for `stall`. Returns the last value seen.
int64_t wait_for_count(const std::string& db, const std::string& sql, int64_t want,
                       std::chrono::milliseconds limit, std::chrono::milliseconds stall) {
  auto now = std::chrono::steady_clock::now();
  auto deadline = now + limit;
  auto last_move = now;
  int64_t last = -1;
  for (;;) {
    auto v = drover::testing::query_int(db, sql);
    now = std::chrono::steady_clock::now();
    if (v >= want || now >= deadline || now - last_move >= stall)
      return v;
    if (v != last) {
      last = v;
      last_move = now;
    }
    std::this_thread::sleep_for(20ms);
  }
}

struct manager_proc {
  manager_proc(const std::string& db, const std::string& log)
    : proc({DROVER_BINARY, "run", "--role=registry,manager", "--listen=127.0.0.1:0", "--http=off",
            "--store=sqlite:" + db, "--threads=2"},
           log) {}
  ready_process proc;
  /// Once its ready file says it recovered and listens.
  std::string registry_flag() { return proc.registry_flag(20s); }
};

std::vector<std::string> consumer_args(const std::string& registry, const std::string& node) {
  // sleep tasks of 5 ms, 64 at a time per consumer: the job takes ~2 s, so
  // the kill lands mid-way with leased tasks in flight.
  return {DROVER_BINARY, "run", "--role=consumer", registry, "--node=" + node,
          "--capacity=64", "--threads=1"};
}

} // namespace

TEST_SUITE("recovery") {

TEST_CASE("a manager SIGKILLed mid-job resumes from its store: every task succeeds once") {
  scratch_dir dir;
  const std::string db = dir.path + "/m.db";
  const std::string succeeded = "SELECT count(*) FROM tasks WHERE state=3";
  const std::string leased = "SELECT count(*) FROM tasks WHERE state IN (1,2)";

  // -- first life: manager, two consumers, a producer; killed mid-job ------
  int64_t done_before = 0, leased_before = 0;
  {
    manager_proc mgr(db, dir.path + "/manager1");
    auto registry = mgr.registry_flag();
    ready_process c1(consumer_args(registry, "c1"), dir.path + "/c1");
    ready_process c2(consumer_args(registry, "c2"), dir.path + "/c2");
    c1.ready(); // registered: the registry told the manager before answering
    c2.ready();
    child_process producer({DROVER_BINARY, "run", "--role=producer", registry,
                            "--tasks=" + std::to_string(total_tasks), "--type=sleep",
                            "--payload=5", "--threads=1"},
                           dir.path + "/producer");
    // The whole job is acknowledged, hence durable, before the kill (the
    // manager stores a list before it answers it)...
    auto stored = wait_for_count(db, "SELECT count(*) FROM tasks", total_tasks, 20s, 10s);
    INFO("producer stdout: " << producer.out() << "\nstderr: " << producer.err());
    REQUIRE(stored == total_tasks);
    // ...and some of it has run, but not all.
    auto seen = wait_for_count(db, succeeded, 2000, 20s, 10s);
    REQUIRE(seen >= 2000);
    REQUIRE(seen < total_tasks);
    mgr.proc.signal(SIGKILL);
    CHECK(mgr.proc.wait(10s) == 128 + SIGKILL);
    // Without their manager the others keep running (they would reconnect);
    // here they are gone for good: the second life starts on a new port.
    std::this_thread::sleep_for(300ms);
    CHECK(c1.running());
    CHECK(c2.running());
    CHECK(producer.running());
    c1.signal(SIGKILL);
    c2.signal(SIGKILL);
    producer.signal(SIGKILL);
  }

  // What the killed manager left behind: it must all be a consistent store.
  done_before = query_int(db, succeeded);
  leased_before = query_int(db, leased);
  REQUIRE(query_int(db, "SELECT count(*) FROM tasks") == total_tasks);
  REQUIRE(done_before > 0);
  REQUIRE(done_before < total_tasks);
  REQUIRE(leased_before > 0); // the kill hit tasks in flight

  // -- second life: same file, new port, two new consumers -----------------
  manager_proc mgr(db, dir.path + "/manager2");
  auto rec = mgr.proc.ready(20s); // written once the recovery is done, with what it found
  REQUIRE(rec.registry_port != 0);
  auto registry = "--registry=127.0.0.1:" + std::to_string(rec.registry_port);
  INFO("manager log after restart: " << mgr.proc.err());
  REQUIRE(rec.recovered);
  CHECK(rec.recovered_jobs == 1);
  CHECK(rec.recovered_unfinished == static_cast<uint64_t>(total_tasks - done_before));
  CHECK(rec.recovered_leased == static_cast<uint64_t>(leased_before)); // they wait for their consumers...
  CHECK(rec.recovered_leased > 0);
  ready_process c3(consumer_args(registry, "c3"), dir.path + "/c3");
  ready_process c4(consumer_args(registry, "c4"), dir.path + "/c4");
  auto final_done = wait_for_count(db, succeeded, total_tasks, 60s, 15s);
  CHECK(final_done == total_tasks);
  c3.signal(SIGTERM);
  c4.signal(SIGTERM);
  CHECK(c3.wait(10s) == 0);
  CHECK(c4.wait(10s) == 0);
  mgr.proc.signal(SIGTERM);
  CHECK(mgr.proc.wait(10s) == 0);
  // The new consumers ran exactly the tasks that were left: none twice.
  CHECK(executed_by(c3) + executed_by(c4) == rec.recovered_unfinished);

  // -- the store, read after the manager is gone ----------------------------
  CHECK(query_int(db, "SELECT count(*) FROM tasks") == total_tasks);
  CHECK(query_int(db, "SELECT count(DISTINCT id) FROM tasks") == total_tasks);
  CHECK(query_int(db, "SELECT count(*) FROM tasks WHERE state != 3") == 0);
  CHECK(query_int(db, "SELECT count(*) FROM jobs") == 1);
  CHECK(query_int(db, "SELECT total FROM jobs") == total_tasks);
  CHECK(query_int(db, "SELECT sealed FROM jobs") == 1);
  CHECK(query_int(db, "SELECT coalesce(sum(count), 0) FROM task_lists") == total_tasks);
  // No task has two successful completions recorded: at most one success
  // event per task (kind 4 = succeeded), and no ACK of an old lease (kind
  // 10 = stale_ack) arrived after the restart.
  CHECK(query_int(db, "SELECT count(*) FROM (SELECT task FROM events WHERE kind=4 "
                      "GROUP BY task HAVING count(*) > 1)") == 0);
  CHECK(query_int(db, "SELECT count(*) FROM events WHERE kind=10") == 0);
  // ...which never came back: each leased task was reclaimed once (kind 7 =
  // reassigned) after the grace, and its success came from the new lease: a
  // later version than the reclaim.
  CHECK(query_int(db, "SELECT count(*) FROM events WHERE kind=7 "
                      "AND detail LIKE 'from c_: lost past the grace'") == static_cast<int64_t>(rec.recovered_leased));
  CHECK(query_int(db, "SELECT count(*) FROM (SELECT task FROM events WHERE kind=7 "
                      "GROUP BY task HAVING count(*) > 1)") == 0);
  CHECK(query_int(db, "SELECT count(*) FROM events e JOIN tasks t ON t.id = e.task "
                      "WHERE e.kind=7 AND t.version <= e.version") == 0);
}

} // TEST_SUITE
