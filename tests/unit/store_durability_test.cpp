// --durability reaches every SQLite file drover writes: the task store, the
// schedules (same file, own connection), the courier's data store and a
// mailbox. Each is read back from the connection itself (PRAGMA synchronous).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "config/options.hpp"
#include "store/data_store.hpp"
#include "store/schedule_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/user_queue.hpp"
#include "tests/unit/result_support.hpp"

using namespace drover;

namespace {

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/drover-durability-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

constexpr int full = 2, normal = 1; // SQLite's values of PRAGMA synchronous

/// The level each kind of file runs at when opened with `d`.
void check_every_file(const std::string& dir, durability d, int want) {
  auto tasks = value_of(sqlite_store::open(dir + "/drover.db", d));
  CHECK(tasks->synchronous() == want);
  auto schedules = value_of(open_schedule_store("sqlite:" + dir + "/drover.db", d));
  CHECK(schedules->synchronous() == want);
  auto data = value_of(data_store::open(dir + "/drover.db.data", d));
  CHECK(data->synchronous() == want);
  auto mailbox = value_of(user_queue::open(dir + "/mailbox-c1.db", d));
  CHECK(mailbox->synchronous() == want);
}

} // namespace

TEST_SUITE("durability") {

TEST_CASE("by default every SQLite file fsyncs each commit (synchronous=FULL)") {
  temp_dir dir;
  auto tasks = value_of(open_store("sqlite:" + dir.path + "/a.db"));
  REQUIRE(tasks);
  CHECK(dynamic_cast<sqlite_store&>(*tasks).synchronous() == full);
  CHECK(value_of(data_store::open(dir.path + "/a.db.data"))->synchronous() == full);
  CHECK(value_of(user_queue::open(dir.path + "/m.db"))->synchronous() == full);
  CHECK(value_of(open_schedule_store("sqlite:" + dir.path + "/a.db"))->synchronous() == full);
}

TEST_CASE("durability disk and process set FULL and NORMAL on every file") {
  temp_dir disk, process;
  check_every_file(disk.path, durability::disk, full);
  check_every_file(process.path, durability::process, normal);
  // A file written with one setting and reopened with the other runs with
  // the new one: the setting belongs to the connection, not the file.
  check_every_file(disk.path, durability::process, normal);
}

TEST_CASE("--durability and the config key choose what the stores open with") {
  run_options flags;
  CLI::App app;
  add_run_flags(app, flags);
  app.parse("--durability=process", false);
  REQUIRE_FALSE(validate(flags));
  CHECK(durability_of(flags) == durability::process);

  temp_dir dir;
  auto path = dir.path + "/drover.yaml";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("durability: process\n", f);
    std::fclose(f);
  }
  run_options from_file;
  REQUIRE_FALSE(load_config_file(path, from_file));
  CHECK(durability_of(from_file) == durability::process);
  auto tasks = value_of(sqlite_store::open(dir.path + "/t.db", durability_of(from_file)));
  REQUIRE(tasks);
  CHECK(tasks->synchronous() == normal);

  run_options defaults;
  CHECK(durability_of(defaults) == durability::disk);
  run_options wrong;
  wrong.durability = "fsync";
  auto e = validate(wrong);
  CHECK(e.message.find("--durability: 'fsync' is not disk or process") != std::string::npos);
}

} // TEST_SUITE
