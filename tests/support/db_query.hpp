// Read-only SQL on a drover store file for cross-process tests: the test
// looks at what the manager made durable without going through it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace drover::testing {

/// Opens `path` read-only, runs `sql` and returns the first column of its
/// first row (0 if there is no row or it is NULL); -1 if the file cannot be
/// opened or the query fails (e.g. the schema is not created yet). Waits up
/// to 1 s on a busy database, never writes.
int64_t query_int(const std::string& path, const std::string& sql);

/// Every row of `sql`, each column read as an integer; empty if the file
/// cannot be opened or the query fails. Read-only, like query_int.
std::vector<std::vector<int64_t>> query_rows(const std::string& path, const std::string& sql);

} // namespace drover::testing
