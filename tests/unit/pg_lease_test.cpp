// The leader lease on a real PostgreSQL (store/pg_lease.cpp): one holder at
// a time, expiry judged on the database's clock, release hands it over at
// once, the epoch moves on with every change of holder; plus the URL check
// and the refusals every PostgreSQL open shares (unreachable, bad login,
// another application's database, a newer schema).
#include <doctest/doctest.h>

#include <chrono>

#include "store/leader_lease.hpp"
#include "store/pg_conn.hpp"
#include "store/pg_schema.hpp"
#include "tests/support/pg_test.hpp"

using namespace drover;
using namespace drover::testing;

namespace {

std::unique_ptr<leader_lease> lease_ok(const std::string& url, const std::string& holder,
                                       int64_t ttl_ms = 1000) {
  auto l = open_leader_lease(url, holder, holder + ".example:4700", ttl_ms);
  INFO(l.err().message);
  REQUIRE(l);
  return std::move(*l);
}

lease_view try_lease(leader_lease& l) {
  auto v = l.acquire_or_renew();
  INFO(v.err().message);
  REQUIRE(v);
  return *v;
}

} // namespace

TEST_SUITE("pg") {

TEST_CASE("a PostgreSQL URL is checked with libpq's parser, naming what is wrong") {
  CHECK(is_pg_url("postgres://u@h/db"));
  CHECK(is_pg_url("postgresql://h"));
  CHECK_FALSE(is_pg_url("sqlite:x.db"));
  auto ok = parse_pg_url("postgres://u:secret@db.example:6543/drover");
  REQUIRE(ok);
  CHECK(ok->server == "db.example:6543/drover");
  CHECK(ok->server.find("secret") == std::string::npos);
  auto dflt = parse_pg_url("postgresql://u@db.example");
  REQUIRE(dflt);
  CHECK(dflt->server == "db.example:5432/u");
  auto port = parse_pg_url("postgres://u@h:99999/db");
  CHECK(port.err().code == ec::bad_input);
  CHECK(port.err().message.find("99999") != std::string::npos);
  auto option = parse_pg_url("postgres://u@h/db?nosuchoption=1");
  CHECK(option.err().code == ec::bad_input);
  CHECK(option.err().message.find("nosuchoption") != std::string::npos);
  CHECK(parse_pg_url("mysql://u@h/db").err().code == ec::bad_input);
  CHECK(open_leader_lease("sqlite:x.db", "a", "a:1", 1000).err().code == ec::bad_input);
}

TEST_CASE("one lease holder at a time, the others see who holds it and where") {
  DROVER_PG_URL_OR_SKIP(url);
  auto a = lease_ok(url, "a");
  auto b = lease_ok(url, "b");
  auto got = try_lease(*a);
  CHECK(got.mine);
  CHECK(got.epoch == 1);
  CHECK(got.holder == "a");
  CHECK(got.expires_in_ms > 0);
  CHECK(got.expires_in_ms <= 1000);
  auto seen = try_lease(*b);
  CHECK_FALSE(seen.mine);
  CHECK(seen.holder == "a");
  CHECK(seen.address == "a.example:4700");
  CHECK(seen.epoch == 1);
  CHECK(seen.expires_in_ms > 0);
  auto renewed = try_lease(*a); // a renewal keeps the term
  CHECK(renewed.mine);
  CHECK(renewed.epoch == 1);
}

TEST_CASE("an expired lease (database clock) is taken with a new epoch, the old holder sees it") {
  DROVER_PG_URL_OR_SKIP(url);
  auto a = lease_ok(url, "a", 60000);
  auto b = lease_ok(url, "b", 60000);
  REQUIRE(try_lease(*a).mine);
  CHECK_FALSE(try_lease(*b).mine); // a minute left: nobody else may take it
  // Expiry is whatever the database's now() says: move the row into the past.
  auto* server = shared_pg_server();
  REQUIRE(server->exec(db_of(url), "UPDATE drover_leader SET expires_at = now() - "
                                   "interval '1 millisecond'") == "");
  auto took = try_lease(*b);
  CHECK(took.mine);
  CHECK(took.epoch == 2);
  CHECK(took.holder == "b");
  auto lost = try_lease(*a);
  CHECK_FALSE(lost.mine);
  CHECK(lost.holder == "b");
  CHECK(lost.epoch == 2);
  // A holder whose own lease ran out starts a new term when it takes it again.
  REQUIRE(server->exec(db_of(url), "UPDATE drover_leader SET expires_at = now() - "
                                   "interval '1 millisecond'") == "");
  auto again = try_lease(*b);
  CHECK(again.mine);
  CHECK(again.epoch == 3);
}

TEST_CASE("renewals never wait behind a write's fence check, a change of term does") {
  DROVER_PG_URL_OR_SKIP(url);
  auto a = lease_ok(url, "a", 1000);
  auto b = lease_ok(url, "b", 1000);
  REQUIRE(try_lease(*a).mine);
  // A write of a's in flight: its fence check holds the term FOR SHARE
  // until it commits (as a commit waiting on a slow disk would).
  auto parsed = parse_pg_url(url);
  REQUIRE(parsed);
  auto writer = pg_connection::open(*parsed);
  REQUIRE(writer);
  REQUIRE((*writer)->exec("BEGIN; SELECT drover_fence(1)"));
  auto t0 = std::chrono::steady_clock::now();
  auto renewed = try_lease(*a);
  auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - t0).count();
  CHECK(renewed.mine);
  CHECK(renewed.epoch == 1);
  CHECK(took_ms < 400); // the lock_timeout is 500 ms: a renewal that waited would fail
  // a's term runs out while the write is still open: b's takeover must not
  // slip in under it (the write would commit unfenced after the change).
  auto* server = shared_pg_server();
  REQUIRE(server->exec(db_of(url), "UPDATE drover_leader SET expires_at = now() - "
                                   "interval '1 millisecond'") == "");
  auto blocked = b->acquire_or_renew();
  CHECK_FALSE(blocked); // lock_timeout: it waited for the write, then gave up
  REQUIRE((*writer)->exec("COMMIT"));
  auto took = try_lease(*b);
  CHECK(took.mine);
  CHECK(took.epoch == 2);
  CHECK(server->query_int(db_of(url), "SELECT epoch FROM drover_term") == 2);
  // A write of the old term now fails, whatever it changed.
  auto late = (*writer)->exec("BEGIN; SELECT drover_fence(1)");
  CHECK_FALSE(late);
  (void)(*writer)->exec("ROLLBACK");
}

TEST_CASE("release hands the lease over at once, and only the holder's term") {
  DROVER_PG_URL_OR_SKIP(url);
  auto a = lease_ok(url, "a", 60000);
  auto b = lease_ok(url, "b", 60000);
  CHECK_FALSE(b->release()); // never held: nothing to end
  REQUIRE(try_lease(*a).mine);
  CHECK_FALSE(b->release()); // b's release must not end a's term
  CHECK_FALSE(try_lease(*b).mine);
  CHECK_FALSE(a->release());
  auto took = try_lease(*b);
  CHECK(took.mine);
  CHECK(took.epoch == 2);
  CHECK_FALSE(a->release()); // a's term is over: b keeps the lease
  CHECK(try_lease(*b).mine);
  CHECK_FALSE(try_lease(*a).mine);
}

TEST_CASE("a lease survives a PostgreSQL restart: unreachable meanwhile, then reconnected") {
  if (!pg_available())
    return;
  pg_server pg;
  REQUIRE(pg.start() == "");
  REQUIRE(pg.create_database("lease") == "lease");
  auto a = lease_ok(pg.url("lease"), "a", 60000);
  REQUIRE(try_lease(*a).mine);
  REQUIRE(pg.stop(pg_server::fast) == "");
  auto down = a->acquire_or_renew();
  REQUIRE_FALSE(down);
  CHECK(down.err().code == ec::unreachable);
  CHECK(down.err().message.find("127.0.0.1:" + std::to_string(pg.port()) + "/lease")
        != std::string::npos);
  REQUIRE(pg.start() == "");
  auto back = try_lease(*a);
  CHECK(back.mine);
  CHECK(back.epoch == 1); // the row is durable; the term is still ours
}

TEST_CASE("opening refuses an unreachable server, a bad login, a foreign or newer database") {
  DROVER_PG_URL_OR_SKIP(url);
  auto* server = shared_pg_server();
  auto db = db_of(url);
  SUBCASE("nobody listens") {
    auto dead = "postgres://drover@127.0.0.1:1/nowhere";
    auto l = open_leader_lease(dead, "a", "a:1", 1000);
    CHECK(l.err().code == ec::unreachable);
    CHECK(l.err().message.find("127.0.0.1:1/nowhere") != std::string::npos);
  }
  SUBCASE("a wrong password") {
    auto bad = "postgres://drover:wrong@127.0.0.1:" + std::to_string(server->port()) + "/" + db;
    auto l = open_leader_lease(bad, "a", "a:1", 1000);
    CHECK(l.err().code == ec::forbidden);
    CHECK(l.err().message.find("wrong") == std::string::npos); // never the password
    CHECK(server->query_int(db, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == 0);
  }
  SUBCASE("another application's database is left alone") {
    REQUIRE(server->exec(db, "CREATE TABLE invoices(id int); INSERT INTO invoices VALUES (7)")
            == "");
    auto l = open_leader_lease(url, "a", "a:1", 1000);
    CHECK(l.err().code == ec::store_corrupt);
    CHECK(l.err().message.find("another application") != std::string::npos);
    CHECK(server->query_int(db, "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == 1);
    CHECK(server->query_int(db, "SELECT id FROM invoices") == 7);
  }
  SUBCASE("a newer drover's schema is refused naming both versions") {
    { auto first = lease_ok(url, "a"); }
    REQUIRE(server->exec(db, "UPDATE drover_meta SET value='99' WHERE key='schema_version'")
            == "");
    auto l = open_leader_lease(url, "a", "a:1", 1000);
    CHECK(l.err().code == ec::store_failure);
    CHECK(l.err().message.find("v99") != std::string::npos);
    CHECK(l.err().message.find("up to v" + std::to_string(pg_schema_version))
          != std::string::npos);
    CHECK(server->query_int(db, "SELECT value::int FROM drover_meta WHERE key='schema_version'")
          == 99);
  }
}

TEST_CASE("a v1 database (the epoch in the lease row only) is migrated, keeping the term") {
  DROVER_PG_URL_OR_SKIP(url);
  auto* server = shared_pg_server();
  auto db = db_of(url);
  {
    auto a = lease_ok(url, "a", 60000);
    REQUIRE(try_lease(*a).mine);
  }
  // Back to what version 1 wrote: no drover_term, the fence on the lease row.
  REQUIRE(server->exec(db, R"sql(
    DROP TABLE drover_term;
    DROP TABLE applied_groups;
    DROP SEQUENCE drover_writer_ids;
    UPDATE drover_leader SET epoch = 7;
    CREATE OR REPLACE FUNCTION drover_fence(expected BIGINT) RETURNS void LANGUAGE plpgsql AS $f$
    BEGIN PERFORM epoch FROM drover_leader WHERE id = 1 FOR SHARE; END $f$;
    UPDATE drover_meta SET value = '1' WHERE key = 'schema_version';)sql") == "");
  auto a = lease_ok(url, "a", 60000);
  CHECK(server->query_int(db, "SELECT value::int FROM drover_meta WHERE key='schema_version'")
        == pg_schema_version);
  CHECK(server->query_int(db, "SELECT epoch FROM drover_term") == 7);
  auto renewed = try_lease(*a);
  CHECK(renewed.mine);
  CHECK(renewed.epoch == 7);
  auto parsed = parse_pg_url(url);
  REQUIRE(parsed);
  auto writer = pg_connection::open(*parsed);
  REQUIRE(writer);
  CHECK((*writer)->exec("SELECT drover_fence(7)"));
  CHECK_FALSE((*writer)->exec("SELECT drover_fence(6)")); // the new fence reads drover_term
}

} // TEST_SUITE
