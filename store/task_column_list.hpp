// The `tasks` columns as one compile-time list, shared by the SQLite and
// PostgreSQL stores (store/task_columns.cpp, store/pg_task_columns.cpp): a
// column is its name, its SQL type, whether a task_change rewrites it, and
// where its value lives. Internal to store/: include it only from those two.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/tag_check.hpp"
#include "store/task_store.hpp"

namespace drover::task_columns_detail {

/// How a value is stored: `bytes` is text in SQLite (readable in its shell)
/// but bytea in PostgreSQL, whose text type refuses invalid UTF-8 and NUL
/// (a worker's output may hold either).
enum class storage : uint8_t { value, blob, bytes };

/// `Changes`: rewritten by every task_change (the UPDATE); a compile-time
/// flag, so only those accessors are ever applied to a task_change.
template <bool Changes, class Get>
struct column {
  static constexpr bool changes = Changes;
  const char* name;
  const char* sql_type; ///< a column added after v4 needs a DEFAULT (ALTER TABLE)
  storage as;
  Get get;              ///< (task& or task_change&) -> the field
};

/// A column a task_change never touches.
template <class Get>
constexpr column<false, Get> fixed(const char* name, const char* sql_type, Get get,
                                   storage as = storage::value) {
  return {name, sql_type, as, get};
}

/// A column every task_change rewrites (task_change has a member of its name).
template <class Get>
constexpr column<true, Get> changing(const char* name, const char* sql_type, Get get,
                                     storage as = storage::value) {
  return {name, sql_type, as, get};
}

// Order = table order. The mutable columns first and payload last: a large
// payload spills into overflow pages that SQLite walks to reach any column
// after it. Add a field here (with a DEFAULT) and nowhere else in store/.
inline const auto columns = std::make_tuple(
  fixed("id", "INTEGER PRIMARY KEY", [](auto& t) -> auto& { return t.id; }),
  fixed("job", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.job; }),
  changing("state", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.state; }),
  changing("version", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.version; }),
  changing("attempt", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.attempt; }),
  changing("lease_version", "INTEGER NOT NULL",
      [](auto& t) -> auto& { return t.lease_version; }),
  changing("consumer", "TEXT NOT NULL", [](auto& t) -> auto& { return t.consumer; }),
  changing("assigned_ms", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.assigned_ms; }),
  changing("started_ms", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.started_ms; }),
  changing("finished_ms", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.finished_ms; }),
  fixed("created_ms", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.created_ms; }),
  fixed("type", "TEXT NOT NULL", [](auto& t) -> auto& { return t.spec.type; }),
  fixed("prio", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.spec.prio; }),
  fixed("key", "TEXT NOT NULL", [](auto& t) -> auto& { return t.spec.key; }),
  fixed("tags", "TEXT NOT NULL", [](auto& t) -> auto& { return t.spec.tags; }),
  fixed("dedupe_key", "TEXT NOT NULL", [](auto& t) -> auto& { return t.spec.dedupe_key; }),
  fixed("timeout_ms", "INTEGER NOT NULL", [](auto& t) -> auto& { return t.spec.timeout_ms; }),
  fixed("max_attempts", "INTEGER NOT NULL",
      [](auto& t) -> auto& { return t.spec.max_attempts; }),
  changing("result", "TEXT NOT NULL", [](auto& t) -> auto& { return t.result; },
      storage::bytes),
  fixed("payload", "BLOB", [](auto& t) -> auto& { return t.spec.payload; }, storage::blob));

constexpr size_t column_count = std::tuple_size_v<std::decay_t<decltype(columns)>>;

template <class F>
void each_column(F&& f) {
  std::apply([&](const auto&... c) { (f(c), ...); }, columns);
}

// Tags are stored comma-joined (store/tag_check.hpp).
using drover::join_tags;
using drover::split_tags;

} // namespace drover::task_columns_detail
