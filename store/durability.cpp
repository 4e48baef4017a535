// durability: see store/durability.hpp.
#include "store/durability.hpp"

#include <string>

#include <sqlite3.h>

namespace drover {

const char* to_string(durability d) {
  return d == durability::disk ? "disk" : "process";
}

result<durability> parse_durability(std::string_view text) {
  if (text == "disk")
    return durability::disk;
  if (text == "process")
    return durability::process;
  return {ec::bad_input, "'" + std::string{text} + "' is not disk or process"};
}

int synchronous_level(durability d) {
  return d == durability::disk ? 2 : 1;
}

error apply_durability(sqlite3* db, durability d, const std::string& path) {
  const char* sql = d == durability::disk ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK)
    return {};
  return {ec::store_failure, path + ": cannot set " + sql + ": " + sqlite3_errmsg(db)};
}

int read_synchronous(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  int level = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA synchronous", -1, &st, nullptr) == SQLITE_OK
      && sqlite3_step(st) == SQLITE_ROW)
    level = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return level;
}

} // namespace drover
