// Where schedules survive a manager restart (store/schedule_store.hpp): the
// memory and SQLite variants keep whole records, replace by id, remove, and
// the SQLite one shares the task store's file. Also the config file's
// `schedules:` section (config/config_schedules.cpp).
#include <doctest/doctest.h>

#include "tests/support/pg_test.hpp"

#include <fstream>

#include "config/options.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;

namespace {

schedule_record sample(uint64_t id, const std::string& name) {
  schedule_record r;
  r.id = id;
  r.name = name;
  r.job_template = R"({"name":"r","tasks":[{"type":"echo"}]})";
  r.every = "30s";
  r.catch_up = catch_up_policy::all;
  r.running = false;
  r.anchor_ms = 1'700'000'000'000;
  r.last_fire_ms = 1'700'000'060'000;
  r.runs = 2;
  r.recent = {{1'700'000'030'000, 7, ""}, {1'700'000'060'000, 0, "manager: no answer\nat all"}};
  return r;
}

void check_same(const schedule_record& a, const schedule_record& b) {
  CHECK(a.id == b.id);
  CHECK(a.name == b.name);
  CHECK(a.job_template == b.job_template);
  CHECK(a.every == b.every);
  CHECK(a.cron == b.cron);
  CHECK(a.catch_up == b.catch_up);
  CHECK(a.running == b.running);
  CHECK(a.anchor_ms == b.anchor_ms);
  CHECK(a.last_fire_ms == b.last_fire_ms);
  CHECK(a.runs == b.runs);
  REQUIRE(a.recent.size() == b.recent.size());
  for (size_t i = 0; i < a.recent.size(); ++i) {
    CHECK(a.recent[i].fire_ms == b.recent[i].fire_ms);
    CHECK(a.recent[i].job == b.recent[i].job);
  }
}

void round_trip(schedule_store& db) {
  REQUIRE_FALSE(db.save(sample(2, "b")));
  REQUIRE_FALSE(db.save(sample(1, "a")));
  auto changed = sample(2, "b");
  changed.runs = 9;
  changed.cron = "0 * * * *";
  changed.every.clear();
  REQUIRE_FALSE(db.save(changed));
  auto got = db.load();
  REQUIRE(got);
  REQUIRE(got->size() == 2);
  check_same(got->at(0), sample(1, "a"));
  check_same(got->at(1), changed);
  CHECK(got->at(0).recent[1].error.rfind("manager: no answer", 0) == 0);
  REQUIRE_FALSE(db.remove(1));
  auto left = db.load();
  REQUIRE(left);
  REQUIRE(left->size() == 1);
  CHECK(left->at(0).id == 2);
}

std::string config_problems(const std::string& yaml, run_options& o) {
  temp_dir dir;
  auto path = dir.file("drover.yaml");
  std::ofstream{path} << yaml;
  auto err = load_config_file(path, o);
  auto text = err.message;
  auto at = text.find(path);
  while (at != std::string::npos) { // report positions relative to the file name
    text.replace(at, path.size(), "c.yaml");
    at = text.find(path);
  }
  return text;
}

} // namespace

TEST_SUITE("schedule store") {

namespace {

/// round_trip on the store at `spec`, then what a restarted scheduler
/// loads from it.
void survives_restart(const std::string& spec) {
  {
    auto db = open_schedule_store(spec);
    REQUIRE(db);
    round_trip(**db);
  }
  auto again = open_schedule_store(spec); // a restart
  REQUIRE(again);
  auto got = (*again)->load();
  REQUIRE(got);
  REQUIRE(got->size() == 1);
  CHECK(got->at(0).cron == "0 * * * *");
  CHECK(got->at(0).runs == 9);
}

} // namespace

TEST_CASE("the memory schedule store keeps, replaces and removes whole records") {
  memory_schedule_store db;
  round_trip(db);
}

TEST_CASE("the SQLite schedule store does the same, durably, in the task store's file") {
  temp_dir dir;
  auto spec = "sqlite:" + dir.file("drover.db");
  auto tasks = open_store(spec); // the manager opens the file first
  REQUIRE(tasks);
  survives_restart(spec);
  auto bad = open_schedule_store("postgres:x");
  CHECK_FALSE(bad);
  CHECK(bad.err().message
        == "unknown store 'postgres:x': use 'memory', 'sqlite:PATH' or "
           "'postgres://user@host:port/db'");
}

TEST_CASE("the PostgreSQL schedule store does the same, in the task store's database") {
  DROVER_PG_URL_OR_SKIP(url);
  auto tasks = open_store(url);
  INFO(tasks.err().message);
  REQUIRE(tasks);
  survives_restart(url);
}

TEST_CASE("recent runs survive odd text and skip damaged lines") {
  auto encoded = encode_runs({{5, 6, "two\nlines"}});
  CHECK(encoded == "5 6 two lines\n"); // one line per run
  auto runs = decode_runs("1 2 fine\nbroken\n3 4\n");
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].error == "fine");
  CHECK(runs[1].job == 4);
  CHECK(runs[1].error.empty());
}

TEST_CASE("the config file's schedules section is read and checked with positions") {
  run_options o;
  CHECK(config_problems("schedules:\n"
                        "  - name: nightly\n"
                        "    cron: \"0 2 * * *\"\n"
                        "    catch_up: all\n"
                        "    job: { name: report, tasks: [{ type: sleep, payload: \"100\", "
                        "max_attempts: 3 }] }\n"
                        "  - name: tick\n"
                        "    every: 30s\n"
                        "    running: false\n"
                        "    job: { name: t, tasks: [{ type: noop }] }\n",
                        o)
        == "");
  REQUIRE(o.schedules.size() == 2);
  CHECK(o.schedules[0].name == "nightly");
  CHECK(o.schedules[0].cron == "0 2 * * *");
  CHECK(o.schedules[0].catch_up == "all");
  CHECK(o.schedules[0].job_template
        == R"({"name":"report","tasks":[{"max_attempts":3,"payload":"100","type":"sleep"}]})");
  CHECK_FALSE(o.schedules[1].running);
  run_options bad;
  CHECK(config_problems("schedules:\n"
                        "  - name: a\n"
                        "    every: 30s\n"
                        "    colour: red\n"
                        "    job: { name: t, tasks: [{ type: noop }] }\n"
                        "  - name: b\n"
                        "    cron: \"0 2 * *\"\n"
                        "    job: { name: t, tasks: [{ type: noop }] }\n"
                        "  - name: c\n"
                        "    every: 30s\n"
                        "    job: [1]\n"
                        "  - name: d\n"
                        "    every: 1s\n",
                        bad)
        == "c.yaml:4:5: unknown key 'colour' in a schedule (allowed: name, every, cron, "
           "catch_up, running, job)\n"
           "c.yaml:6:5: cron '0 2 * *' has 4 fields; it needs 5: minute hour day-of-month "
           "month day-of-week (e.g. \"*/15 * * * *\")\n"
           "c.yaml:11:10: 'job' must be a mapping: the body POST /v1/jobs takes, e.g. "
           "{ name: report, tasks: [{ type: echo }] }\n"
           "c.yaml:12:5: a schedule needs 'job': the job to run");
  CHECK(bad.schedules.empty());
  CHECK(config_problems("schedules: 3\n", bad)
        == "c.yaml:1:12: 'schedules' must be a list of schedules");
}

} // TEST_SUITE
