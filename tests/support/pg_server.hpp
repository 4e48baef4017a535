// A real PostgreSQL 15 for a test, started and stopped by the test itself:
// initdb into a fresh temp dir (as `nobody` when we run as root, since
// PostgreSQL refuses root), listening on 127.0.0.1 at a free port with its
// socket dir inside the temp dir, fsync on. Stopped by PID (never by name),
// restartable on the same data dir and port. No doctest or CAF inside: use
// it from unit tests, cross-process tests and benches alike.
//
//   drover::testing::pg_server pg;
//   if (auto why = pg_server::unavailable(); !why.empty()) { /* skip, say why */ }
//   REQUIRE(pg.start() == "");              // "" or what went wrong, with the log
//   auto url = pg.url(pg.create_database("t1"));  // postgres://drover:...@127.0.0.1:P/t1
//   ... run drover with --store=<url> ...
//   pg.stop(pg_server::fast);  pg.start(); // a restart mid-run, same data
//
// For tests that need one server per process, shared_pg_server() starts one
// on first use (and stops it at exit); fresh_pg_url() makes a new empty
// database on it and returns its URL.
#pragma once

#include <string>
#include <sys/types.h>

namespace drover::testing {

class pg_server {
public:
  enum stop_mode { fast, immediate }; ///< SIGINT (clean) or SIGQUIT (crash-like: recovery on start)

  /// "" if PostgreSQL 15's binaries are here, else why not (a test skips with it).
  static std::string unavailable();

  pg_server() = default;
  ~pg_server(); ///< stops the server (fast, then SIGKILL) and removes the temp dir
  pg_server(const pg_server&) = delete;
  pg_server& operator=(const pg_server&) = delete;

  /// initdb on first call, then starts postgres and waits until it accepts
  /// connections (at most 30 s). "" on success, else the reason and the log.
  std::string start();
  /// Stops by PID: `mode`'s signal, SIGKILL after 10 s. "" or what failed.
  std::string stop(stop_mode mode = fast);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }

  /// postgres://drover:<password>@127.0.0.1:<port>/<db>
  std::string url(const std::string& db = "postgres") const;
  /// Creates database `name` (owned by the superuser `drover`); returns
  /// `name`, or "" if it failed.
  std::string create_database(const std::string& name);
  /// Runs `sql` on database `db` as the superuser; "" or the error.
  std::string exec(const std::string& db, const std::string& sql);
  /// The first column of the first row of `sql` on `db` as an integer; -1 on error.
  long long query_int(const std::string& db, const std::string& sql);
  /// The server's log so far.
  std::string log() const;

  static constexpr const char* user = "drover";
  static constexpr const char* password = "drover-test-pw";

private:
  std::string init();
  std::string run_as_owner(const std::string& what, const std::string& cmd_log,
                           const char* const* argv, pid_t* started);

  std::string dir_;   ///< temp dir: data/, the socket, server.log
  int port_ = 0;
  pid_t pid_ = 0;
};

/// One server for the whole test process, started on first call; nullptr
/// (and `why` set) if it cannot start.
pg_server* shared_pg_server(std::string* why = nullptr);
/// The URL of a new empty database on the shared server; "" (and `why`)
/// if there is none.
std::string fresh_pg_url(std::string* why = nullptr);

} // namespace drover::testing
