// `drover run --role=registry,manager --store=postgres://...` with a store it cannot
// use: a malformed URL, nobody listening, a refused login, another
// application's database, a newer drover's schema. Each exits 2 within a
// bound with one line naming the problem, and the database is left as it was.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/task_store.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct run_result {
  int code;
  std::string err;
};

run_result run_manager(const scratch_dir& dir, const std::string& name, const std::string& store) {
  child_process p({DROVER_BINARY, "run", "--role=registry,manager", "--http=off",
                   "--listen=127.0.0.1:0", "--store=" + store},
                  dir.path + "/" + name);
  int code = p.wait(20s); // -1: still running (the destructor kills it), a failure below
  return {code, p.err()};
}

/// Lines of drover's log that report an error (the info lines before it,
/// e.g. the data dir, do not count).
int error_lines(const std::string& text) {
  int n = 0;
  for (size_t at = 0; (at = text.find(" error ", at)) != std::string::npos; ++at)
    ++n;
  return n;
}

} // namespace

TEST_SUITE("bad_input") {

TEST_CASE("a PostgreSQL store drover cannot use: exit 2, one line naming it, nothing touched") {
  if (!pg_available())
    return;
  auto* server = shared_pg_server();
  REQUIRE(server != nullptr);
  scratch_dir dir;
  auto port = std::to_string(server->port());
  auto foreign = server->create_database("foreign_app");
  REQUIRE(server->exec(foreign, "CREATE TABLE invoices(id int); INSERT INTO invoices VALUES (7)")
          == "");
  auto newer = server->create_database("newer");
  REQUIRE(drover::open_store(server->url(newer))); // a drover store, then "from the future"
  REQUIRE(server->exec(newer, "UPDATE drover_meta SET value='9' WHERE key='schema_version'")
          == "");
  struct row {
    std::string name, store, expect;
  };
  std::vector<row> rows = {
    {"bad-port", "postgres://drover@127.0.0.1:99999/x", "99999"},
    {"bad-option", "postgres://drover@127.0.0.1/x?bogus=1", "bogus"},
    {"nobody", "postgres://drover@127.0.0.1:1/x", "cannot reach PostgreSQL at 127.0.0.1:1/x"},
    {"login", "postgres://drover:wrong@127.0.0.1:" + port + "/postgres",
     "refused the login"},
    {"foreign", server->url(foreign), "another application's tables"},
    {"newer", server->url(newer), "newer drover (schema v9"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    auto got = run_manager(dir, r.name, r.store);
    INFO(got.err);
    CHECK(got.code == 2);
    CHECK(got.err.find(r.expect) != std::string::npos);
    CHECK(error_lines(got.err) == 1);
    CHECK(got.err.find("wrong") == std::string::npos); // never the password
  }
  CHECK(server->query_int(foreign, "SELECT count(*) FROM pg_tables WHERE schemaname='public'")
        == 1);
  CHECK(server->query_int(foreign, "SELECT id FROM invoices") == 7);
  CHECK(server->query_int(newer, "SELECT value::int FROM drover_meta WHERE key='schema_version'")
        == 9);
}

} // TEST_SUITE
