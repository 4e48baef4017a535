// The unfinished tasks of a SQLite store, read for recovery on two cores:
// decoding a row's twenty columns is most of a restart (W6), and it splits
// cleanly by id range. Internal to store/ (sqlite_store_read.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/task.hpp"

struct sqlite3;

namespace drover {

/// Reads every task with id in [first, last] and state below SUCCEEDED into
/// `out`, ascending by id, on `db` (inside the caller's read transaction).
/// SQLITE_DONE or the SQLite error code.
int read_unfinished_range(sqlite3* db, task_id first, task_id last, std::vector<task>& out);

/// Below this many ids a second connection costs more than it saves.
constexpr task_id split_reads_from = 200'000;

/// Every unfinished task of the store open as `db` (in a read transaction)
/// at `path`, ascending by id, up to id `max_id`. The upper half of the id
/// range is read on a second, read-only connection of its own thread when
/// `max_id` >= `split_from`; if that connection cannot be opened or does not
/// see the same tasks table, the main connection reads that half as well.
/// `expected`: the number of rows the caller expects (a reserve hint).
int read_unfinished(sqlite3* db, const std::string& path, task_id max_id, std::size_t expected,
                    std::vector<task>& out, task_id split_from = split_reads_from);

} // namespace drover
