// sqlite_store's recovery read split over two connections
// (store/sqlite_task_load.hpp): it must give exactly what one connection's
// scan gives, whatever the split point cuts through, and fall back to one
// connection when the second one does not see the same file.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <random>

#include "store/sqlite_task_load.hpp"
#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;

namespace {

/// A raw read connection on a store file, inside a read transaction.
struct reader {
  sqlite3* db = nullptr;
  explicit reader(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM tasks", nullptr, nullptr, nullptr)
            == SQLITE_OK);
  }
  ~reader() {
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
};

/// `n` tasks over two jobs, each moved to a state drawn with `rng`; where
/// the open ones fall is set by `open_from`: only ids >= it stay open.
std::vector<task> store_tasks(task_store& store, size_t n, std::mt19937& rng,
                              task_id open_from = 1) {
  auto tasks = make_tasks(1, n / 2, 1);
  auto second = make_tasks(n / 2 + 1, n - n / 2, 2);
  REQUIRE_FALSE(store.put_tasks(make_job(1, "o1"), 0, tasks));
  REQUIRE_FALSE(store.put_tasks(make_job(2, "o2"), 0, second));
  tasks.insert(tasks.end(), second.begin(), second.end());
  std::vector<task_change> changes;
  for (auto& t : tasks) {
    int pick = static_cast<int>(rng() % 6);
    if (t.id < open_from)
      pick = 3 + pick % 3; // terminal
    switch (pick) {
      case 0: break; // pending as stored
      case 1: t = moved(t, task_state::assigned, 2, "consumer-" + std::to_string(t.id)); break;
      case 2: // a failed attempt back to pending: keeps its result and times
        t = moved(t, task_state::running, 3);
        t.state = task_state::pending;
        t.attempt = 2;
        t.result = "exit code 3";
        t.consumer.clear();
        break;
      case 3: t = moved(t, task_state::succeeded, 4); break;
      case 4: t = moved(t, task_state::failed, 4); break;
      default: t = moved(t, task_state::cancelled, 4); break;
    }
    if (pick != 0)
      changes.push_back(change_of(t));
  }
  REQUIRE_FALSE(store.apply(changes));
  return tasks;
}

std::vector<task> open_of(const std::vector<task>& all) {
  std::vector<task> out;
  for (const auto& t : all)
    if (!is_terminal(t.state))
      out.push_back(t);
  return out;
}

void check_all_same(const std::vector<task>& got, const std::vector<task>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i)
    check_same(got[i], want[i]);
}

} // namespace

TEST_SUITE("store") {

TEST_CASE("the recovery read split over two connections equals one connection's scan") {
  // Seeded cases: open tasks everywhere, only above the split point, only
  // far below it, and none at all.
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    temp_dir dir;
    auto spec = sqlite_kind::spec(dir);
    auto path = dir.file("drover.db");
    std::mt19937 rng{seed};
    const size_t n = 3000;
    task_id open_from = seed == 2 ? n / 2 + 1 : seed == 4 ? n + 1 : 1;
    std::vector<task> all;
    {
      auto store = open_ok(spec);
      all = store_tasks(*store, n, rng, open_from);
      if (seed == 3) // open tasks only in the lower half
        for (auto& t : all)
          if (t.id > n / 4 && !is_terminal(t.state)) {
            t = moved(t, task_state::succeeded, 9);
            REQUIRE_FALSE(store->apply({change_of(t)}));
          }
    }
    CAPTURE(seed);
    reader r{path};
    std::vector<task> one, two;
    REQUIRE(read_unfinished_range(r.db, 0, n, one) == SQLITE_DONE);
    REQUIRE(read_unfinished(r.db, path, n, 0, two, /*split_from=*/2) == SQLITE_DONE);
    check_all_same(one, open_of(all));
    check_all_same(two, one);
  }
}

TEST_CASE("a second connection that sees another file is not trusted: one connection reads all") {
  temp_dir dir;
  auto path = dir.file("drover.db");
  std::mt19937 rng{7};
  std::vector<task> all;
  {
    auto store = open_ok(sqlite_kind::spec(dir));
    all = store_tasks(*store, 1000, rng);
  }
  {
    auto other = open_ok("sqlite:" + dir.file("other.db")); // fewer tasks, other ids
    std::mt19937 rng2{8};
    store_tasks(*other, 100, rng2);
  }
  reader r{path};
  for (const std::string& wrong : {dir.file("other.db"), dir.file("missing/none.db"),
                                   std::string{":memory:"}}) {
    CAPTURE(wrong);
    std::vector<task> got;
    REQUIRE(read_unfinished(r.db, wrong, 1000, 10, got, /*split_from=*/2) == SQLITE_DONE);
    check_all_same(got, open_of(all));
  }
}

TEST_CASE("load() above the split size recovers every open task once, in id order, with counts") {
  temp_dir dir;
  auto spec = sqlite_kind::spec(dir);
  const size_t n = static_cast<size_t>(split_reads_from) + 10'000;
  std::mt19937 rng{11};
  std::vector<task> all;
  {
    auto store = open_ok(spec);
    all = store_tasks(*store, n, rng);
  }
  auto store = open_ok(spec);
  auto r = load_ok(*store);
  auto want = open_of(all);
  REQUIRE(r.unfinished.size() == want.size());
  for (size_t i = 0; i < want.size(); i += 997) // a spread of them, whole
    check_same(r.unfinished[i], want[i]);
  for (size_t i = 1; i < r.unfinished.size(); ++i)
    REQUIRE(r.unfinished[i - 1].id < r.unfinished[i].id);
  CHECK(r.max_task_id == n);
  REQUIRE(r.counts.size() == 2);
  for (const auto& c : r.counts) {
    std::array<uint64_t, task_state_count> expect{};
    for (const auto& t : all)
      if (t.job == c.job)
        ++expect[static_cast<int>(t.state)];
    CAPTURE(c.job);
    CHECK(c.by_state == expect);
  }
}

} // TEST_SUITE
