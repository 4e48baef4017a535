// The `tasks` columns, once: see store/task_columns.hpp. A column is its
// name, its SQL type, whether a task_change rewrites it, and where its value
// lives (one accessor that works on a task and, for the changed columns, on
// a task_change, whose members carry the same names). The column list is a
// tuple, so binds and reads unroll at compile time: no indirect call per
// column on the million-tasks-per-second insert path.
#include "store/task_columns.hpp"

#include <sqlite3.h>

#include <array>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "store/task_column_list.hpp"
#include "store/task_store.hpp"

namespace drover {

using namespace task_columns_detail;

namespace {

// -- one value in and out of SQLite, by the field's type -----------------------

// The length first: most text columns of a queued task are empty and then
// need no second call (a restart reads every open task's columns, W6). The
// file is UTF-8, so neither call converts the value and the pointer stays valid.
std::string_view column_bytes(sqlite3_stmt* st, int col) {
  auto n = sqlite3_column_bytes(st, col);
  if (n <= 0)
    return {};
  auto p = static_cast<const char*>(sqlite3_column_blob(st, col));
  return p ? std::string_view{p, static_cast<size_t>(n)} : std::string_view{};
}

template <class T>
void bind_value(sqlite3_stmt* st, int i, const T& v, storage as) {
  if constexpr (std::is_enum_v<T>) {
    sqlite3_bind_int(st, i, static_cast<int>(v));
  } else if constexpr (std::is_integral_v<T>) {
    sqlite3_bind_int64(st, i, static_cast<int64_t>(v));
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    auto joined = join_tags(v);
    sqlite3_bind_text(st, i, joined.data(), static_cast<int>(joined.size()), SQLITE_TRANSIENT);
  } else { // std::string or compact_string: it outlives the step (SQLITE_STATIC)
    std::string_view s = v;
    if (as == storage::blob)
      sqlite3_bind_blob(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    else
      sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
}

template <class T>
void read_value(sqlite3_stmt* st, int col, T& v) {
  if constexpr (std::is_enum_v<T>)
    v = static_cast<T>(sqlite3_column_int(st, col));
  else if constexpr (std::is_integral_v<T>)
    v = static_cast<T>(sqlite3_column_int64(st, col));
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    auto text = column_bytes(st, col);
    if (!text.empty() || !v.empty())
      v = split_tags(text);
  } else {
    auto text = column_bytes(st, col);
    if (!text.empty() || !v.empty()) // an empty field stays as it is: no temporary
      v = text;
  }
}

// -- the SQL the list generates -------------------------------------------------

} // namespace

const std::string& task_table_sql() {
  static const std::string sql = [] {
    std::string s = "CREATE TABLE tasks(";
    bool first = true;
    each_column([&](const auto& c) {
      s += first ? "" : ", ";
      s += std::string{c.name} + " " + c.sql_type;
      first = false;
    });
    return s + ");";
  }();
  return sql;
}

const std::string& task_column_list() {
  static const std::string list = [] {
    std::string out;
    each_column([&](const auto& c) { out += (out.empty() ? "" : ", ") + std::string{c.name}; });
    return out;
  }();
  return list;
}

const std::string& task_insert_sql() {
  static const std::string sql = [] {
    std::string marks;
    for (size_t i = 0; i < column_count; ++i)
      marks += i == 0 ? "?" : ",?";
    return "INSERT INTO tasks(" + task_column_list() + ") VALUES(" + marks + ")";
  }();
  return sql;
}

const std::string& task_update_sql() {
  static const std::string sql = [] {
    // ?1 is the id; the changed columns follow as ?2, ?3, ... in table order.
    std::string set;
    int n = 2, version_at = 0;
    each_column([&](const auto& c) {
      if (!c.changes)
        return;
      if (std::string_view{c.name} == "version")
        version_at = n;
      set += (set.empty() ? "" : ", ") + std::string{c.name} + "=?" + std::to_string(n++);
    });
    return "UPDATE tasks SET " + set + " WHERE id=?1 AND version<?" + std::to_string(version_at);
  }();
  return sql;
}

void bind_task(sqlite3_stmt* st, const task& t) {
  int i = 0;
  each_column([&](const auto& c) { bind_value(st, ++i, c.get(t), c.as); });
}

void bind_change(sqlite3_stmt* st, const task_change& ch) {
  sqlite3_bind_int64(st, 1, static_cast<int64_t>(ch.id));
  int i = 1;
  each_column([&](const auto& c) {
    if constexpr (std::decay_t<decltype(c)>::changes)
      bind_value(st, ++i, c.get(ch), c.as);
  });
}

void read_task(sqlite3_stmt* st, task& t) {
  int i = 0;
  each_column([&](const auto& c) { read_value(st, i++, c.get(t)); });
}

void read_task_columns(sqlite3_stmt* st, const std::vector<std::string>& names, task& t) {
  for (size_t at = 0; at < names.size(); ++at)
    each_column([&](const auto& c) {
      if (names[at] == c.name)
        read_value(st, static_cast<int>(at), c.get(t));
    });
}

std::string task_columns_of(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    bool known = false;
    each_column([&](const auto& c) { known = known || n == c.name; });
    if (!known)
      throw std::logic_error("no task column '" + n + "'"); // a typo in store/, found by tests
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

error add_missing_task_columns(sqlite3* db, const std::string& path) {
  std::vector<std::string> have;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('tasks')", -1, &st, nullptr)
      != SQLITE_OK)
    return {ec::store_failure, path + ": cannot read the tasks columns: " + sqlite3_errmsg(db)};
  while (sqlite3_step(st) == SQLITE_ROW)
    have.emplace_back(column_bytes(st, 0));
  sqlite3_finalize(st);
  error err;
  each_column([&](const auto& c) {
    bool present = false;
    for (const auto& h : have)
      present = present || h == c.name;
    if (present || err)
      return;
    auto sql = std::string{"ALTER TABLE tasks ADD COLUMN "} + c.name + " " + c.sql_type;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      err = {ec::store_failure,
             path + ": cannot add the tasks column " + c.name + ": " + sqlite3_errmsg(db)};
  });
  return err;
}

} // namespace drover
