// pg_connection: see store/pg_conn.hpp.
#include "store/pg_conn.hpp"

#include <postgresql/libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace drover {

namespace {

/// libpq's messages run over several lines ("...failed: X\n\tIs the server
/// running...?"): one line for a one-line error.
std::string one_line(const char* msg) {
  std::string out;
  for (const char* p = msg ? msg : ""; *p; ++p) {
    if (*p == '\n' || *p == '\t') {
      if (!out.empty() && out.back() != ' ')
        out += ' ';
    } else {
      out += *p;
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

/// Connection-level SQLSTATEs: class 08 (connection exception) and the
/// server shutting down or starting (57P01..57P03).
bool connection_state(std::string_view s) {
  return s.substr(0, 2) == "08" || s == "57P01" || s == "57P02" || s == "57P03";
}

} // namespace

bool is_pg_url(std::string_view spec) {
  return spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0;
}

result<pg_url> parse_pg_url(const std::string& spec) {
  if (!is_pg_url(spec))
    return {ec::bad_input, "'" + spec + "' is not a PostgreSQL URL: use "
                           "postgres://user[:password]@host[:port]/database"};
  char* why = nullptr;
  PQconninfoOption* opts = PQconninfoParse(spec.c_str(), &why);
  if (!opts) {
    std::string msg = why ? one_line(why) : "out of memory";
    PQfreemem(why);
    return {ec::bad_input, "bad PostgreSQL URL: " + msg
                             + "; use postgres://user[:password]@host[:port]/database"};
  }
  std::string host, port, db, user;
  for (auto* o = opts; o->keyword; ++o) {
    std::string_view k = o->keyword;
    std::string v = o->val ? o->val : "";
    if (k == "host" && !v.empty())
      host = v;
    else if (k == "hostaddr" && host.empty() && !v.empty())
      host = v;
    else if (k == "port")
      port = v;
    else if (k == "dbname")
      db = v;
    else if (k == "user")
      user = v;
  }
  PQconninfoFree(opts);
  if (!port.empty()) {
    int p = 0;
    auto [end, ec_] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec_ != std::errc{} || end != port.data() + port.size() || p < 1 || p > 65535)
      return {ec::bad_input, "bad PostgreSQL URL '" + spec + "': port '" + port
                               + "' is not a number from 1 to 65535"};
  }
  pg_url out;
  out.url = spec;
  out.server = (host.empty() ? std::string{"localhost"} : host) + ":"
               + (port.empty() ? std::string{"5432"} : port) + "/"
               + (db.empty() ? (user.empty() ? std::string{"(default db)"} : user) : db);
  return out;
}

// -- rows ---------------------------------------------------------------------

pg_rows::pg_rows(PGresult* r) : r_(r) {}
pg_rows::pg_rows(pg_rows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
pg_rows& pg_rows::operator=(pg_rows&& o) noexcept {
  std::swap(r_, o.r_);
  return *this;
}
pg_rows::~pg_rows() {
  if (r_)
    PQclear(r_);
}
int pg_rows::size() const { return r_ ? PQntuples(r_) : 0; }
bool pg_rows::null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string_view pg_rows::text(int row, int col) const {
  return {PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col))};
}
int64_t pg_rows::i64(int row, int col) const {
  auto s = text(row, col);
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
int64_t pg_rows::affected() const {
  const char* n = r_ ? PQcmdTuples(r_) : "";
  return *n ? std::strtoll(n, nullptr, 10) : 0;
}

// -- connection ---------------------------------------------------------------

result<std::unique_ptr<pg_connection>> pg_connection::open(const pg_url& url,
                                                           pg_timeouts t) {
  std::unique_ptr<pg_connection> c{new pg_connection(url, t)};
  if (auto err = c->connect())
    return err;
  return c;
}

pg_connection::~pg_connection() {
  if (conn_)
    PQfinish(conn_);
}

error pg_connection::connect() {
  if (conn_)
    PQfinish(conn_);
  auto timeout = std::to_string(std::max(1, timeouts_.connect_s));
  // Earlier keywords are defaults the URL (expanded from dbname) overrides.
  // Keepalives find a dead peer on an idle connection; tcp_user_timeout
  // bounds how long a write waits on a peer that stopped answering.
  const char* keys[] = {"connect_timeout", "application_name", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                        "dbname", nullptr};
  auto user_timeout_ms = std::to_string(std::max(1, timeouts_.io_ms));
  const char* values[] = {timeout.c_str(), "drover", "5", "2", "3", user_timeout_ms.c_str(),
                          url_.url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (!conn_)
    return {ec::unreachable, "PostgreSQL " + url_.server + ": out of memory"};
  // Notices (e.g. "terminating connection due to ...") would go to stderr;
  // the statement's error already says what matters.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    bool auth = why.find("authentication") != std::string::npos
                || why.find("password") != std::string::npos
                || why.find("does not exist") != std::string::npos
                || why.find("permission denied") != std::string::npos
                || why.find("no pg_hba.conf entry") != std::string::npos;
    if (auth)
      return {ec::forbidden, "PostgreSQL " + url_.server + " refused the login: " + why
                               + "; check the user, password and database in the URL"};
    return {ec::unreachable, "cannot reach PostgreSQL at " + url_.server + ": " + why
                               + "; check that it runs there and accepts TCP connections"};
  }
  if (!session_sql_.empty()) {
    auto r = exec(session_sql_);
    if (!r)
      return r.err();
  }
  return {};
}

error pg_connection::reconnect() {
  return connect();
}

bool pg_connection::alive() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

error pg_connection::failed(PGresult* r, const char* what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state ? state : "";
  std::string why = one_line(r ? PQresultErrorMessage(r) : nullptr);
  if (why.empty())
    why = one_line(conn_ ? PQerrorMessage(conn_) : "not connected");
  if (r)
    PQclear(r);
  bool lost = !conn_ || PQstatus(conn_) != CONNECTION_OK || connection_state(sqlstate_);
  if (lost)
    return {ec::unreachable, "lost PostgreSQL at " + url_.server + " (" + what + "): " + why
                               + "; check that it runs and is reachable"};
  return {ec::store_failure, "PostgreSQL " + url_.server + ": " + what + ": " + why};
}

result<pg_rows> pg_connection::exec(const std::string& sql) {
  if (!conn_)
    return failed(nullptr, "not connected");
  PGresult* r = PQexec(conn_, sql.c_str());
  auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return failed(r, "a statement failed");
  sqlstate_.clear();
  return pg_rows{r};
}

result<pg_rows> pg_connection::exec(const std::string& sql, const pg_params& p) {
  if (!conn_)
    return failed(nullptr, "not connected");
  std::vector<const char*> values(p.values.size());
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = p.nulls[i] ? nullptr : p.values[i].c_str();
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return failed(r, "a statement failed");
  sqlstate_.clear();
  return pg_rows{r};
}

error pg_connection::copy_in(const std::string& copy_sql, std::string_view data) {
  if (!conn_)
    return failed(nullptr, "not connected");
  PGresult* r = PQexec(conn_, copy_sql.c_str());
  if (!r || PQresultStatus(r) != PGRES_COPY_IN)
    return failed(r, "cannot start a COPY");
  PQclear(r);
  constexpr size_t chunk = 1 << 20;
  for (size_t at = 0; at < data.size(); at += chunk) {
    auto n = std::min(chunk, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1)
      return failed(nullptr, "a COPY failed");
  }
  if (PQputCopyEnd(conn_, nullptr) != 1)
    return failed(nullptr, "a COPY failed");
  r = PQgetResult(conn_);
  error err;
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
    err = failed(r, "a COPY failed");
  else
    PQclear(r);
  while ((r = PQgetResult(conn_)) != nullptr) // drain: the connection must be idle again
    PQclear(r);
  return err;
}

bool pg_retryable(const error& e) {
  return e.code == ec::unreachable;
}

// -- COPY text format ------------------------------------------------------------

void copy_text(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += '?'; break;
      default: out += c;
    }
  }
}

void copy_bytea(std::string& out, std::string_view s) {
  static const char digits[] = "0123456789abcdef";
  out += "\\\\x"; // COPY unescapes "\\" to "\", bytea then reads \x
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
}

std::string from_bytea(std::string_view hex) {
  if (hex.substr(0, 2) != "\\x")
    return std::string{hex};
  auto val = [](char c) -> int {
    return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0';
  };
  std::string out;
  out.reserve((hex.size() - 2) / 2);
  for (size_t i = 2; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(val(hex[i]) * 16 + val(hex[i + 1]));
  return out;
}

} // namespace drover
