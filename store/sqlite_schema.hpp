// Opening an SQLite file as a drover store: refuses files that are not ours
// (leaving them untouched), creates the schema in a fresh file and migrates
// an older one. Used by sqlite_store and the schedule store (same file).
#pragma once

#include <string>

#include "core/errors.hpp"
#include "store/durability.hpp"

struct sqlite3;

namespace drover {

/// The schema this build writes; see the migration steps in sqlite_schema.cpp.
constexpr int sqlite_schema_version = 4;

/// Opens `path` ready for use (WAL, `d`, current schema). On failure
/// ec::store_corrupt (not a drover store) or ec::store_failure (cannot be
/// opened, or written by a newer drover); the file is then left as it was.
result<sqlite3*> open_sqlite_file(const std::string& path, durability d);

/// `path: what: <sqlite's message>`, with ec::store_corrupt for a damaged
/// file and ec::store_failure for everything else.
error sqlite_error(sqlite3* db, const std::string& path, const std::string& what);

} // namespace drover
