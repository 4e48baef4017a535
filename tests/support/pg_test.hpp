// doctest glue for tests/support/pg_server.hpp: a test that needs PostgreSQL
// gets a fresh database URL, or is skipped with the reason when the
// PostgreSQL binaries are absent (CTest reports it as skipped: the
// SKIP_REGULAR_EXPRESSION in CMakeLists.txt matches "SKIPPED: PostgreSQL").
// A server that is installed but fails to start is a failure, not a skip.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "store/leader_lease.hpp"
#include "tests/support/pg_server.hpp"

namespace drover::testing {

/// True if PostgreSQL is usable here; else reports the skip (MESSAGE).
inline bool pg_available() {
  auto why = pg_server::unavailable();
  if (!why.empty())
    MESSAGE("SKIPPED: PostgreSQL: " << why);
  return why.empty();
}

/// A fresh database's URL on the process's shared server; REQUIREs it.
inline std::string pg_url_ok() {
  std::string why;
  auto url = fresh_pg_url(&why);
  INFO(why);
  REQUIRE_FALSE(url.empty());
  return url;
}

/// The database name at the end of a URL from pg_url_ok().
inline std::string db_of(const std::string& url) {
  return url.substr(url.rfind('/') + 1);
}

/// Takes (or renews) the lease `l`; REQUIREs that it is ours, returns the epoch.
inline uint64_t take_lease(leader_lease& l) {
  auto v = l.acquire_or_renew();
  INFO(v.err().message);
  REQUIRE(v);
  REQUIRE(v->mine);
  return v->epoch;
}

} // namespace drover::testing

/// Declares `var` = a fresh database URL, or skips the test (returns).
#define DROVER_PG_URL_OR_SKIP(var)                     \
  if (!::drover::testing::pg_available())              \
    return;                                            \
  const std::string var = ::drover::testing::pg_url_ok()
