// A thin RAII layer over sqlite3 for the small data-scheduling stores
// (store/data_store, store/user_queue): open with WAL, run statements with
// bound values, read rows. Not thread-safe: one owner actor each.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/errors.hpp"
#include "store/durability.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace drover {

/// A value to bind: integer or text (text also carries binary bodies).
using sql_value = std::variant<int64_t, std::string>;

/// One result row: column i as integer or as text.
class sql_row {
public:
  explicit sql_row(sqlite3_stmt* st) : st_(st) {}
  int64_t i64(int col) const;
  std::string text(int col) const;

private:
  sqlite3_stmt* st_;
};

class sql_db {
public:
  /// Opens (creates) `path` in WAL mode with `d` (store/durability.hpp);
  /// ":memory:" for a memory store. Runs `schema` (CREATE ... IF NOT EXISTS
  /// statements).
  static result<std::unique_ptr<sql_db>> open(const std::string& path, const char* schema,
                                              durability d = durability::disk);
  ~sql_db();

  /// PRAGMA synchronous as this connection reports it.
  int synchronous() const { return read_synchronous(db_); }

  /// Runs one statement with `args` bound in order; calls `row` per result row.
  error run(const std::string& sql, const std::vector<sql_value>& args = {},
            const std::function<void(const sql_row&)>& row = {});
  /// BEGIN, f(), COMMIT; ROLLBACK if f returns an error (nothing half-stored).
  error transaction(const std::function<error()>& f);
  int64_t changes() const;

private:
  sql_db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  error fail(const std::string& what) const;
  sqlite3* db_;
  std::string path_;
};

} // namespace drover
