// How far an SQLite commit goes before drover acknowledges it: every SQLite
// file drover writes (task store, schedules, the courier's data store, the
// mailboxes) opens with the same setting, chosen by --durability.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/errors.hpp"

struct sqlite3;

namespace drover {

enum class durability : uint8_t {
  /// synchronous=FULL: each commit (one group commit, one task list) is
  /// fsync'ed before it is acknowledged, so it survives an OS crash or a
  /// power loss. The default.
  disk,
  /// synchronous=NORMAL in WAL mode: each commit is written to the WAL
  /// before it is acknowledged (it survives a SIGKILL of drover), but not
  /// fsync'ed, so an OS crash or power loss can drop the last commits.
  process,
};

const char* to_string(durability d);

/// "disk" or "process"; ec::bad_input for anything else.
result<durability> parse_durability(std::string_view text);

/// The value of PRAGMA synchronous that `d` sets (2 = FULL, 1 = NORMAL).
int synchronous_level(durability d);

/// Sets `d` on the connection (PRAGMA synchronous); the error names `path`.
error apply_durability(sqlite3* db, durability d, const std::string& path);

/// PRAGMA synchronous as the connection reports it (0 OFF, 1 NORMAL,
/// 2 FULL, 3 EXTRA); -1 if it cannot be read.
int read_synchronous(sqlite3* db);

} // namespace drover
