// sql_db: see store/sql_lite.hpp.
#include "store/sql_lite.hpp"
#include "store/sqlite_library.hpp"

#include <sqlite3.h>

namespace drover {

int64_t sql_row::i64(int col) const {
  return sqlite3_column_int64(st_, col);
}

std::string sql_row::text(int col) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(st_, col));
  auto n = sqlite3_column_bytes(st_, col);
  return p ? std::string{p, static_cast<size_t>(n)} : std::string{};
}

result<std::unique_ptr<sql_db>> sql_db::open(const std::string& path, const char* schema,
                                             durability d) {
  prepare_sqlite_library();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
      != SQLITE_OK) {
    error err{ec::store_failure, path + ": cannot open: " + (db ? sqlite3_errmsg(db) : "?")};
    sqlite3_close(db);
    return err;
  }
  std::unique_ptr<sql_db> out{new sql_db(db, path)};
  sqlite3_busy_timeout(db, 5000);
  if (auto err = out->run("PRAGMA journal_mode=WAL"))
    return err;
  if (auto err = apply_durability(db, d, path))
    return err;
  char* msg = nullptr;
  if (sqlite3_exec(db, schema, nullptr, nullptr, &msg) != SQLITE_OK) {
    error err{ec::store_corrupt, path + ": cannot create the schema: " + (msg ? msg : "?")};
    sqlite3_free(msg);
    return err;
  }
  return out;
}

sql_db::~sql_db() {
  sqlite3_close(db_);
}

error sql_db::fail(const std::string& what) const {
  return {ec::store_failure, path_ + ": " + what + ": " + sqlite3_errmsg(db_)};
}

error sql_db::run(const std::string& sql, const std::vector<sql_value>& args,
                  const std::function<void(const sql_row&)>& row) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr)
      != SQLITE_OK)
    return fail("prepare '" + sql + "'");
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard{st, sqlite3_finalize};
  for (size_t i = 0; i < args.size(); ++i) {
    int pos = static_cast<int>(i + 1);
    if (auto* n = std::get_if<int64_t>(&args[i]))
      sqlite3_bind_int64(st, pos, *n);
    else {
      auto& s = std::get<std::string>(args[i]);
      sqlite3_bind_blob(st, pos, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    }
  }
  for (;;) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
      return {};
    if (rc != SQLITE_ROW)
      return fail("run '" + sql + "'");
    if (row)
      row(sql_row{st});
  }
}

error sql_db::transaction(const std::function<error()>& f) {
  if (auto err = run("BEGIN IMMEDIATE"))
    return err;
  // A failed ROLLBACK adds nothing to the error that caused it: SQLite
  // rolls back on its own when the connection closes or the next BEGIN fails.
  if (auto err = f()) {
    (void)run("ROLLBACK");
    return err;
  }
  if (auto err = run("COMMIT")) {
    (void)run("ROLLBACK");
    return err;
  }
  return {};
}

int64_t sql_db::changes() const {
  return sqlite3_changes(db_);
}

} // namespace drover
