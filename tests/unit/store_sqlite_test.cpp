// sqlite_store's files: durability across close and SIGKILL, schema
// migration, and refusing (untouched) files that are not drover stores.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "store/sqlite_schema.hpp"
#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;

TEST_SUITE("store") {

TEST_CASE("committed data is found again after reopening the file") {
  temp_dir dir;
  auto spec = sqlite_kind::spec(dir);
  auto tasks = make_tasks(1, 3);
  auto done = moved(tasks[1], task_state::cancelled, 4);
  {
    auto store = open_ok(spec);
    REQUIRE_FALSE(store->put_tasks(make_job(1), 0, tasks));
    REQUIRE_FALSE(store->apply({change_of(done, event_kind::cancelled, "by api", 9)}));
  }
  auto store = open_ok(spec);
  auto r = load_ok(*store);
  REQUIRE(r.unfinished.size() == 2);
  check_same(r.unfinished[1], tasks[2]);
  CHECK(r.lists.size() == 1);
  auto stored_got = store->get(2);
  REQUIRE(stored_got);
  auto& got = stored_got->t;
  auto& events = stored_got->events;
  check_same(got, done);
  REQUIRE(events.size() == 1);
  CHECK(events[0].detail == "by api");
}

TEST_CASE("a committed transaction survives a SIGKILL of the writer") {
  temp_dir dir;
  auto spec = sqlite_kind::spec(dir);
  auto tasks = make_tasks(1, 100);
  auto done = moved(tasks[5], task_state::succeeded, 3);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No doctest here: this process only writes, then dies without closing.
    auto store = open_store(spec);
    if (store && !(*store)->put_tasks(make_job(1), 0, tasks)
        && !(*store)->apply({change_of(done)}))
      kill(getpid(), SIGKILL);
    _exit(1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  // Never checkpointed: the commits live only in the WAL the reopen replays.
  CHECK(std::filesystem::exists(dir.file("drover.db-wal")));
  auto store = open_ok(spec);
  auto r = load_ok(*store);
  CHECK(r.unfinished.size() == 99);
  REQUIRE(r.counts.size() == 1);
  CHECK(r.counts[0].by_state[int(task_state::succeeded)] == 1);
}

TEST_CASE("a v1 file is migrated to the current schema") {
  temp_dir dir;
  auto path = dir.file("v1.db");
  // v1 as released: events had no detail column.
  raw_exec(path, R"sql(
    CREATE TABLE schema_version(version INTEGER NOT NULL);
    INSERT INTO schema_version VALUES(1);
    CREATE TABLE jobs(id INTEGER PRIMARY KEY, name TEXT NOT NULL,
      grp TEXT NOT NULL, origin TEXT UNIQUE, total INTEGER NOT NULL,
      created_ms INTEGER NOT NULL);
    CREATE TABLE task_lists(job INTEGER NOT NULL, seq INTEGER NOT NULL,
      first_task INTEGER NOT NULL, count INTEGER NOT NULL,
      PRIMARY KEY(job, seq)) WITHOUT ROWID;
    CREATE TABLE tasks(id INTEGER PRIMARY KEY, job INTEGER NOT NULL,
      state INTEGER NOT NULL, version INTEGER NOT NULL, attempt INTEGER NOT NULL,
      lease_version INTEGER NOT NULL, consumer TEXT NOT NULL,
      assigned_ms INTEGER NOT NULL, started_ms INTEGER NOT NULL,
      finished_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL,
      type TEXT NOT NULL, prio INTEGER NOT NULL, key TEXT NOT NULL,
      tags TEXT NOT NULL, dedupe_key TEXT NOT NULL, timeout_ms INTEGER NOT NULL,
      max_attempts INTEGER NOT NULL, result TEXT NOT NULL, payload BLOB);
    CREATE TABLE events(task INTEGER NOT NULL, kind INTEGER NOT NULL,
      version INTEGER NOT NULL, at_ms INTEGER NOT NULL);
    CREATE INDEX events_by_task ON events(task);
    INSERT INTO jobs VALUES(1, 'old', '', 'o1', 1, 5);
    INSERT INTO task_lists VALUES(1, 0, 7, 1);
    INSERT INTO tasks VALUES(7, 1, 1, 2, 1, 2, 'c1', 10, 0, 0, 5, 'noop', 1,
      '', 'gpu', '', 0, 1, '', x'00ff');
    INSERT INTO events VALUES(7, 7, 2, 10);
  )sql");
  auto store = open_ok("sqlite:" + path);
  auto r = load_ok(*store);
  REQUIRE(r.unfinished.size() == 1);
  CHECK(r.unfinished[0].consumer == "c1");
  CHECK(r.unfinished[0].spec.tags == std::vector<std::string>{"gpu"});
  CHECK(r.unfinished[0].spec.payload == std::string("\0\xff", 2));
  auto t = r.unfinished[0];
  t.version = 3;
  REQUIRE_FALSE(store->apply({change_of(t, event_kind::reassigned, "from c0", 11)}));
  auto stored_got = store->get(7);
  REQUIRE(stored_got);
  auto& got = stored_got->t;
  auto& events = stored_got->events;
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == event_kind::reassigned);
  CHECK(events[0].detail.empty()); // a v1 event has no text
  CHECK(events[1].detail == "from c0");
  store.reset();
  CHECK(raw_int(path, "SELECT version FROM schema_version") == sqlite_schema_version);
  CHECK(raw_int(path, "SELECT count(*) FROM schema_version") == 1);
  CHECK(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE type='index' "
                      "AND name='tasks_ended_badly'") == 1);
}

TEST_CASE("a v2 file is migrated: its jobs keep their identity and gain push columns") {
  temp_dir dir;
  auto path = dir.file("v2.db");
  {
    auto store = open_ok("sqlite:" + path); // today's schema, then rolled back to v2
  }
  raw_exec(path, R"sql(
    DROP TABLE jobs;
    DROP TABLE manager_epoch;
    DROP INDEX tasks_ended_badly;
    CREATE TABLE jobs(id INTEGER PRIMARY KEY, name TEXT NOT NULL, grp TEXT NOT NULL,
      origin TEXT UNIQUE, total INTEGER NOT NULL, created_ms INTEGER NOT NULL,
      sealed INTEGER NOT NULL DEFAULT 0);
    UPDATE schema_version SET version=2;
    INSERT INTO jobs VALUES(4, 'nightly', 'etl', 'etl/nightly', 10, 5, 0);
  )sql");
  auto store = open_ok("sqlite:" + path);
  auto r = load_ok(*store);
  REQUIRE(r.jobs.size() == 1);
  CHECK(r.jobs[0].origin == "etl/nightly");
  CHECK(r.jobs[0].producer.empty());
  CHECK(r.jobs[0].pushed_ms == 0);
  CHECK_FALSE(r.jobs[0].cancelled);
  auto j = r.jobs[0];
  j.sealed = true;
  j.producer = "p2";
  j.pushed_ms = 77;
  REQUIRE_FALSE(store->put_job(j));
  store.reset();
  CHECK(raw_int(path, "SELECT version FROM schema_version") == sqlite_schema_version);
  CHECK(raw_int(path, "SELECT sealed FROM jobs WHERE id=4") == 1);
  CHECK(raw_int(path, "SELECT pushed_ms FROM jobs WHERE id=4") == 77);
  CHECK(raw_int(path, "SELECT epoch FROM manager_epoch") == 1); // loaded once since
}

TEST_CASE("a file from a newer drover is refused and left untouched") {
  temp_dir dir;
  auto path = dir.file("new.db");
  open_ok("sqlite:" + path); // create, then close
  raw_exec(path, "PRAGMA journal_mode=DELETE; UPDATE schema_version SET version=99;");
  auto before = read_bytes(path);
  auto entries = dir.entries();
  error err = open_store("sqlite:" + path).err();
  CHECK(err);
  CHECK(err.code == ec::store_failure);
  CHECK(err.message.find(path) != std::string::npos);
  CHECK(err.message.find("newer") != std::string::npos);
  CHECK(read_bytes(path) == before);
  CHECK(dir.entries() == entries);
}

TEST_CASE("a file that is not a drover store is refused and left untouched") {
  temp_dir dir;
  std::mt19937 rng{20240601}; // fixed seed: the same bytes every run
  std::string noise(8192, '\0');
  for (auto& c : noise)
    c = static_cast<char>(rng());
  write_bytes(dir.file("noise.db"), noise);
  write_bytes(dir.file("text.db"), "name,total\njob1,3\n");
  raw_exec(dir.file("other.db"), "CREATE TABLE notes(text);");
  for (const char* name : {"noise.db", "text.db", "other.db"}) {
    CAPTURE(name);
    auto path = dir.file(name);
    auto before = read_bytes(path);
    auto entries = dir.entries();
    error err = open_store("sqlite:" + path).err();
    CHECK(err);
    CHECK(err.code == ec::store_corrupt);
    CHECK(err.message.find(path) != std::string::npos);
    CHECK(err.message.find("another file") != std::string::npos);
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == entries);
  }
}

TEST_CASE("a path that cannot be opened is refused naming it") {
  temp_dir dir;
  for (auto path : {dir.path, dir.file("missing/drover.db")}) {
    CAPTURE(path);
    error err = open_store("sqlite:" + path).err();
    CHECK(err);
    CHECK(err.code == ec::store_failure);
    CHECK(err.message.find(path) != std::string::npos);
  }
  CHECK(dir.entries().empty());
}

} // TEST_SUITE
