// The drover schema in a PostgreSQL database: created on first open,
// versioned in drover_meta (with an application marker), migrated forward.
// A database that holds other tables but no marker belongs to another
// application and is refused untouched, as is one from a newer drover.
#pragma once

#include <memory>
#include <string>

#include "core/errors.hpp"
#include "store/pg_conn.hpp"

namespace drover {

class pg_connection;

/// The schema this build writes; see the migration steps in pg_schema.cpp.
constexpr int pg_schema_version = 3;

/// Makes the database on `c` a current drover store, under an advisory
/// lock so managers starting together create it once. ec::store_corrupt for
/// another application's database, ec::store_failure for a newer schema
/// (naming both versions); nothing is written then.
error ensure_pg_schema(pg_connection& c);

/// A connection to the store at `spec` (postgres://...), its schema made
/// current by ensure_pg_schema, then `session` run on it and on every
/// reconnect: settings only ever go to a database known to be drover's.
result<std::unique_ptr<pg_connection>> open_pg_session(const std::string& spec,
                                                       const std::string& session,
                                                       pg_timeouts t = {});

/// Commits the transaction open on `c`. With a `fence` (not 0) it first
/// calls drover_fence(fence) in the same round trip: the term row
/// (drover_term) read FOR SHARE must still carry that epoch, else the COMMIT
/// does not run and the call returns ec::fenced naming `what`.
/// The caller rolls back on any error.
error commit_fenced(pg_connection& c, uint64_t fence, const std::string& what);

} // namespace drover
