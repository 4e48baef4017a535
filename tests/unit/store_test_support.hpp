// Helpers shared by the store tests: a temp dir, the two store kinds, tasks
// with every field set, and raw sqlite3 access that bypasses the store.
#pragma once

#include <doctest/doctest.h>

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store/task_store.hpp"
#include "tests/support/pg_test.hpp"

namespace drover {
namespace store_test {

/// A fresh directory under /tmp, removed with everything in it.
struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/drover_store_test_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string file(const char* name) const { return path + "/" + name; }
  std::set<std::string> entries() const {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path))
      out.insert(e.path().filename().string());
    return out;
  }
};

struct memory_kind {
  static bool usable() { return true; }
  static std::string spec(const temp_dir&) { return "memory"; }
};
struct sqlite_kind {
  static bool usable() { return true; }
  static std::string spec(const temp_dir& d) { return "sqlite:" + d.file("drover.db"); }
};
/// A fresh database on the test process's PostgreSQL server per temp_dir
/// (the same one for every spec() of that dir, so a test can reopen it).
struct postgres_kind {
  static bool usable() { return testing::pg_available(); }
  static std::string spec(const temp_dir& d) {
    static std::map<std::string, std::string> urls;
    auto& url = urls[d.path];
    if (url.empty())
      url = testing::pg_url_ok();
    return url;
  }
};

/// A store kind that cannot run here (PostgreSQL absent) skips, saying why.
#define STORE_KIND_OR_SKIP(K) \
  if (!K::usable())           \
  return

inline std::unique_ptr<task_store> open_ok(const std::string& spec) {
  auto store = open_store(spec);
  INFO(store.err().message);
  REQUIRE(store);
  REQUIRE(*store != nullptr);
  return std::move(*store);
}

inline job make_job(job_id id, std::string origin = "origin-1") {
  job j;
  j.id = id;
  j.name = "job" + std::to_string(id);
  j.group = "group-a";
  j.origin = std::move(origin);
  j.created_ms = 1000;
  return j;
}

/// Every field set to something distinctive, so a round trip checks all.
inline task make_task(task_id id, job_id j = 1) {
  task t;
  t.id = id;
  t.job = j;
  t.spec.type = "noop";
  t.spec.payload = std::string("bin\0\xff", 5) + std::to_string(id);
  t.spec.prio = priority::high;
  t.spec.key = "key" + std::to_string(id % 3);
  if (id % 2)
    t.spec.tags = {"gpu", "linux"};
  t.spec.dedupe_key = "d" + std::to_string(id);
  t.spec.timeout_ms = 5000;
  t.spec.max_attempts = 3;
  t.created_ms = 1000 + static_cast<int64_t>(id);
  return t;
}

inline std::vector<task> make_tasks(task_id first, size_t n, job_id j = 1) {
  std::vector<task> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(make_task(first + i, j));
  return out;
}

inline void check_same(const task& a, const task& b) {
  CHECK(a.id == b.id);
  CHECK(a.job == b.job);
  CHECK(a.spec.type == b.spec.type);
  CHECK(a.spec.payload == b.spec.payload);
  CHECK(a.spec.prio == b.spec.prio);
  CHECK(a.spec.key == b.spec.key);
  CHECK(a.spec.tags == b.spec.tags);
  CHECK(a.spec.dedupe_key == b.spec.dedupe_key);
  CHECK(a.spec.timeout_ms == b.spec.timeout_ms);
  CHECK(a.spec.max_attempts == b.spec.max_attempts);
  CHECK(a.state == b.state);
  CHECK(a.version == b.version);
  CHECK(a.attempt == b.attempt);
  CHECK(a.lease_version == b.lease_version);
  CHECK(a.consumer == b.consumer);
  CHECK(a.result == b.result);
  CHECK(a.created_ms == b.created_ms);
  CHECK(a.assigned_ms == b.assigned_ms);
  CHECK(a.started_ms == b.started_ms);
  CHECK(a.finished_ms == b.finished_ms);
}

/// `t` moved to `s` at version `v`, as the manager would persist it.
inline task moved(task t, task_state s, uint64_t v, std::string consumer = "c1") {
  t.state = s;
  t.version = v;
  t.consumer = std::move(consumer);
  t.lease_version = v;
  t.assigned_ms = 2000;
  if (level(s) >= 2)
    t.started_ms = 2100;
  if (is_terminal(s)) {
    t.finished_ms = 2200;
    t.result = "done";
  }
  return t;
}

inline recovered_state load_ok(task_store& store) {
  auto out = store.load();
  INFO(out.err().message);
  REQUIRE(out);
  return std::move(*out);
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream{path, std::ios::binary} << bytes;
}

/// Runs `sql` on `path` with the plain sqlite3 API, bypassing the store.
inline void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* msg = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
  INFO((msg ? msg : ""));
  sqlite3_free(msg);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

/// The first column of the first row of `sql` on `path`, -1 if none.
inline int64_t raw_int(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* st = nullptr;
  int64_t out = -1;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK
      && sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK
      && sqlite3_step(st) == SQLITE_ROW)
    out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

} // namespace store_test

} // namespace drover
