// SQLite keeps no memory statistics in drover's processes: with them on,
// every allocation takes a global mutex (store/sqlite_library.hpp).
#include <doctest/doctest.h>

#include <sqlite3.h>

#include "store/sqlite_library.hpp"
#include "store/task_store.hpp"
#include "store_test_support.hpp"

using namespace drover;
using namespace drover::store_test;

namespace {

// Before main, so before any test of this binary opens a file: SQLite
// takes the setting only before its first use in a process.
const bool prepared = (prepare_sqlite_library(), true);

} // namespace

TEST_SUITE("store") {

TEST_CASE("a store's writes keep no SQLite memory statistics") {
  REQUIRE(prepared);
  temp_dir dir;
  auto store = open_ok(sqlite_kind::spec(dir));
  REQUIRE_FALSE(store->put_tasks(make_job(1), 0, make_tasks(1, 1000)));
  CHECK(sqlite3_memory_used() == 0); // counted, it is the open file's cache and statements
}

}
