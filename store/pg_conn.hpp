// One connection to PostgreSQL through libpq (Debian's libpq-dev): the URL
// check, connecting with a bounded timeout, statements with parameters, and
// errors that name the server and say what to do. Owned by one thread (the
// store actor's, or the lease's caller); libpq stays out of every header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"

struct pg_conn;     // libpq's PGconn
struct pg_result;   // libpq's PGresult

namespace drover {

/// A checked "postgres://" or "postgresql://" URL.
struct pg_url {
  std::string url;     ///< as given, for libpq
  std::string server;  ///< "host:port/db" for messages: never the password
};

/// True for a spec that names PostgreSQL (it may still be malformed).
bool is_pg_url(std::string_view spec);

/// Parses `spec` with libpq's own parser (PQconninfoParse): ec::bad_input
/// naming what is wrong, e.g. an unknown option or a bad port.
result<pg_url> parse_pg_url(const std::string& spec);

/// A query's rows, text format. Moves only.
class pg_rows {
public:
  pg_rows() = default;
  explicit pg_rows(::pg_result* r);
  pg_rows(pg_rows&& o) noexcept;
  pg_rows& operator=(pg_rows&& o) noexcept;
  ~pg_rows();

  int size() const;
  bool null(int row, int col) const;
  std::string_view text(int row, int col) const;
  int64_t i64(int row, int col) const;
  /// The affected row count of an INSERT/UPDATE/DELETE.
  int64_t affected() const;

private:
  ::pg_result* r_ = nullptr;
};

/// A statement's parameters in text format; nullptr is SQL NULL.
struct pg_params {
  std::vector<std::string> values;
  std::vector<bool> nulls;
  pg_params& add(std::string v) {
    values.push_back(std::move(v));
    nulls.push_back(false);
    return *this;
  }
  pg_params& add(int64_t v) { return add(std::to_string(v)); }
  pg_params& add_null() {
    values.emplace_back();
    nulls.push_back(true);
    return *this;
  }
};

/// How long a connection waits on the server.
struct pg_timeouts {
  int connect_s = 5;     ///< libpq's connect_timeout (it treats < 2 as 2), unless the URL sets one
  int io_ms = 10000;     ///< tcp_user_timeout: unacknowledged data this long drops the connection
};

class pg_connection {
public:
  /// Connects within t.connect_s seconds. ec::unreachable if the server
  /// cannot be reached, ec::forbidden for refused credentials; the message
  /// names the server and says what to check.
  static result<std::unique_ptr<pg_connection>> open(const pg_url& url, pg_timeouts t = {});
  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  /// Drops the connection (if any) and connects again; prepared statements
  /// and session settings must be redone by the caller (on_connect).
  error reconnect();
  /// Statements run after every (re)connect, e.g. SET synchronous_commit.
  void on_connect(std::string sql) { session_sql_ = std::move(sql); }
  /// Whether the connection is usable as far as libpq knows.
  bool alive() const;

  /// Runs `sql` (may be several statements, no parameters).
  result<pg_rows> exec(const std::string& sql);
  /// Runs one statement with $1.. bound to `p` (text format).
  result<pg_rows> exec(const std::string& sql, const pg_params& p);
  /// COPY ... FROM STDIN with `data` (COPY text format rows).
  error copy_in(const std::string& copy_sql, std::string_view data);

  /// "host:port/db", for messages.
  const std::string& server() const { return url_.server; }
  /// The SQLSTATE of the last failed statement ("" if none or lost).
  const std::string& last_sqlstate() const { return sqlstate_; }

private:
  pg_connection(pg_url url, pg_timeouts t) : url_(std::move(url)), timeouts_(t) {}
  error connect();
  /// The error of a failed statement, classified: ec::unreachable if the
  /// connection broke (or the server is shutting down), else store_failure.
  error failed(::pg_result* r, const char* what);

  pg_url url_;
  pg_timeouts timeouts_;
  ::pg_conn* conn_ = nullptr;
  std::string session_sql_;
  std::string sqlstate_;
};

/// Whether `e` is worth retrying on a fresh connection: the connection
/// broke, or the server restarts, or a serialization failure / deadlock.
bool pg_retryable(const error& e);

/// Appends `s` to a COPY text-format row, escaped (no tab/newline/backslash
/// left raw). PostgreSQL text cannot hold a NUL byte: it becomes '?'.
void copy_text(std::string& out, std::string_view s);
/// Appends `s` as a bytea value for COPY text format (\\x hex).
void copy_bytea(std::string& out, std::string_view s);
/// Decodes a bytea value of a text-format result ("\x..." hex).
std::string from_bytea(std::string_view hex);

} // namespace drover
