#include "tests/support/db_query.hpp"

#include <sqlite3.h>

namespace drover::testing {

int64_t query_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 1000);
  int64_t out = -1;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
      out = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
      out = 0;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::vector<std::vector<int64_t>> query_rows(const std::string& path, const std::string& sql) {
  std::vector<std::vector<int64_t>> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 1000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW) {
      auto& row = out.emplace_back();
      for (int i = 0; i < sqlite3_column_count(st); ++i)
        row.push_back(sqlite3_column_int64(st, i));
    }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

} // namespace drover::testing
