// The `tasks` columns for PostgreSQL: see store/pg_task_columns.hpp. Types
// follow the SQLite declaration (INTEGER -> BIGINT, BLOB -> BYTEA); a column
// of storage::bytes is BYTEA here (PostgreSQL text refuses NUL and invalid
// UTF-8, which a worker's output may hold).
#include "store/pg_task_columns.hpp"

#include <charconv>

#include "store/pg_conn.hpp"
#include "store/task_column_list.hpp"

namespace drover {

using namespace task_columns_detail;

namespace {

template <class C>
std::string pg_type(const C& c) {
  std::string t = c.sql_type;
  auto swap_prefix = [&](std::string_view from, std::string_view to) {
    if (t.rfind(from, 0) == 0)
      t = std::string{to} + t.substr(from.size());
  };
  swap_prefix("INTEGER", "BIGINT");
  swap_prefix("BLOB", "BYTEA");
  if (c.as == storage::bytes)
    swap_prefix("TEXT", "BYTEA");
  return t;
}

template <class T>
void copy_value(std::string& out, const T& v, storage as) {
  if constexpr (std::is_enum_v<T>) {
    out += std::to_string(static_cast<int>(v));
  } else if constexpr (std::is_integral_v<T>) {
    out += std::to_string(static_cast<int64_t>(v));
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    copy_text(out, join_tags(v));
  } else {
    std::string_view s = v;
    if (as == storage::value)
      copy_text(out, s);
    else
      copy_bytea(out, s);
  }
}

template <class T>
void read_value(const pg_rows& rows, int row, int col, T& v, storage as) {
  auto s = rows.text(row, col);
  if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
    int64_t n = 0;
    std::from_chars(s.data(), s.data() + s.size(), n);
    v = static_cast<T>(n);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    v = split_tags(s);
  } else {
    if (as == storage::value)
      v = s;
    else
      v = from_bytea(s);
  }
}

} // namespace

const std::string& pg_task_table_sql() {
  static const std::string sql = [] {
    std::string s = "CREATE TABLE tasks(";
    bool first = true;
    each_column([&](const auto& c) {
      s += first ? "" : ", ";
      s += std::string{c.name} + " " + pg_type(c);
      first = false;
    });
    return s + ");";
  }();
  return sql;
}

const std::string& pg_add_task_columns_sql() {
  static const std::string sql = [] {
    std::string s;
    each_column([&](const auto& c) {
      if (std::string_view{c.name} != "id")
        s += std::string{"ALTER TABLE tasks ADD COLUMN IF NOT EXISTS "} + c.name + " "
             + pg_type(c) + ";";
    });
    return s;
  }();
  return sql;
}

int pg_task_column_count() {
  return static_cast<int>(std::tuple_size_v<std::decay_t<decltype(columns)>>);
}

const std::string& pg_change_column_list() {
  static const std::string list = [] {
    std::string out = "id";
    each_column([&](const auto& c) {
      if constexpr (std::decay_t<decltype(c)>::changes)
        out += std::string{", "} + c.name;
    });
    return out;
  }();
  return list;
}

const std::string& pg_change_set_sql() {
  static const std::string sql = [] {
    std::string out;
    each_column([&](const auto& c) {
      if constexpr (std::decay_t<decltype(c)>::changes)
        out += (out.empty() ? "" : ", ") + std::string{c.name} + "=c." + c.name;
    });
    return out;
  }();
  return sql;
}

const std::string& pg_change_table_columns() {
  static const std::string sql = [] {
    std::string out = "id BIGINT";
    each_column([&](const auto& c) {
      if constexpr (std::decay_t<decltype(c)>::changes)
        out += std::string{", "} + c.name + " " + pg_type(c);
    });
    return out;
  }();
  return sql;
}

void append_task_copy(std::string& out, const task& t) {
  bool first = true;
  each_column([&](const auto& c) {
    if (!first)
      out += '\t';
    first = false;
    copy_value(out, c.get(t), c.as);
  });
  out += '\n';
}

void append_change_copy(std::string& out, const task_change& ch) {
  out += std::to_string(ch.id);
  each_column([&](const auto& c) {
    if constexpr (std::decay_t<decltype(c)>::changes) {
      out += '\t';
      copy_value(out, c.get(ch), c.as);
    }
  });
  out += '\n';
}

void read_pg_task(const pg_rows& rows, int row, task& t) {
  int i = 0;
  each_column([&](const auto& c) { read_value(rows, row, i++, c.get(t), c.as); });
}

} // namespace drover
