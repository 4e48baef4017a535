// pg_server: see tests/support/pg_server.hpp.
#include "tests/support/pg_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <postgresql/libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>
#include <vector>

namespace drover::testing {

namespace {

constexpr const char* bin_dir = "/usr/lib/postgresql/15/bin";

std::string bin(const char* name) {
  return std::string{bin_dir} + "/" + name;
}

int free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

/// Waits for `pid` up to `limit`; true if it exited (status in *st).
bool wait_exit(pid_t pid, std::chrono::milliseconds limit, int* st) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    pid_t r = ::waitpid(pid, st, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD))
      return true;
    if (std::chrono::steady_clock::now() >= until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool as_root() { return ::geteuid() == 0; }

} // namespace

std::string pg_server::unavailable() {
  for (const char* b : {"initdb", "postgres"})
    if (::access(bin(b).c_str(), X_OK) != 0)
      return bin(b) + " is missing: install postgresql-15 (bash tools/setup.sh does)";
  if (as_root() && ::access("/usr/bin/setpriv", X_OK) != 0)
    return "running as root but /usr/bin/setpriv is missing (util-linux): PostgreSQL "
           "refuses to run as root";
  return {};
}

pg_server::~pg_server() {
  if (pid_ > 0)
    (void)stop(fast);
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string pg_server::run_as_owner(const std::string& what, const std::string& log_path,
                                    const char* const* argv, pid_t* started) {
  std::vector<const char*> args;
  if (as_root()) // PostgreSQL refuses root: drop to nobody for this child only
    for (const char* a : {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                          "--clear-groups"})
      args.push_back(a);
  for (auto p = argv; *p; ++p)
    args.push_back(*p);
  args.push_back(nullptr);
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (log < 0)
    return what + ": cannot write " + log_path;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0); // its own group: a Ctrl-C of the test run does not reach it first
    ::dup2(log, 1);
    ::dup2(log, 2);
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::execv(args[0], const_cast<char* const*>(args.data()));
    ::_exit(127);
  }
  ::close(log);
  if (pid < 0)
    return what + ": fork failed";
  if (started) {
    *started = pid;
    return {};
  }
  int st = 0;
  if (!wait_exit(pid, std::chrono::seconds(60), &st)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &st, 0);
    return what + " did not finish within 60 s; log:\n" + read_file(log_path);
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return what + " failed; log:\n" + read_file(log_path);
  return {};
}

std::string pg_server::init() {
  char tmpl[] = "/tmp/drover-pg-XXXXXX";
  if (!::mkdtemp(tmpl))
    return "cannot make a temp dir under /tmp";
  dir_ = tmpl;
  if (as_root()) {
    passwd* nobody = ::getpwnam("nobody");
    if (!nobody || ::chown(dir_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      return "cannot hand " + dir_ + " to the user nobody";
  }
  ::chmod(dir_.c_str(), 0700);
  auto pwfile = dir_ + "/pw";
  std::ofstream{pwfile} << password << "\n";
  ::chmod(pwfile.c_str(), 0644);
  port_ = free_tcp_port();
  auto data = dir_ + "/data";
  auto initdb = bin("initdb");
  auto pw_arg = "--pwfile=" + pwfile;
  // --no-sync: only initdb's own files skip fsync (a fresh cluster a crash
  // would lose anyway); the server itself runs with fsync on.
  const char* argv[] = {initdb.c_str(), "-D", data.c_str(), "-U", user, pw_arg.c_str(),
                        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                        "--locale=C", "--no-sync", nullptr};
  auto err = run_as_owner("initdb", dir_ + "/initdb.log", argv, nullptr);
  ::unlink(pwfile.c_str());
  return err;
}

std::string pg_server::start() {
  if (pid_ > 0)
    return {};
  if (auto why = unavailable(); !why.empty())
    return why;
  if (dir_.empty())
    if (auto err = init(); !err.empty())
      return err;
  auto postgres = bin("postgres");
  auto data = dir_ + "/data";
  auto port = std::to_string(port_);
  const char* argv[] = {postgres.c_str(), "-D", data.c_str(), "-p", port.c_str(),
                        "-k", dir_.c_str(), "-c", "listen_addresses=127.0.0.1",
                        "-c", "fsync=on", "-c", "synchronous_commit=on",
                        "-c", "shared_buffers=64MB", "-c", "max_connections=60",
                        "-c", "logging_collector=off",
                        // After a crash-like stop, recovery syncs the data dir:
                        // one syncfs() instead of an fsync per file (seconds).
                        "-c", "recovery_init_sync_method=syncfs", nullptr};
  if (auto err = run_as_owner("postgres", dir_ + "/server.log", argv, &pid_); !err.empty())
    return err;
  auto ping = url();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (PQping(ping.c_str()) != PQPING_OK) {
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = 0;
      return "postgres exited at start; log:\n" + log();
    }
    if (std::chrono::steady_clock::now() >= until) {
      (void)stop(immediate);
      return "postgres did not accept connections within 30 s; log:\n" + log();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  return {};
}

std::string pg_server::stop(stop_mode mode) {
  if (pid_ <= 0)
    return {};
  pid_t pid = pid_;
  pid_ = 0;
  ::kill(pid, mode == fast ? SIGINT : SIGQUIT);
  int st = 0;
  if (wait_exit(pid, std::chrono::seconds(10), &st))
    return {};
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &st, 0);
  return "postgres did not stop within 10 s: killed";
}

std::string pg_server::url(const std::string& db) const {
  return std::string{"postgres://"} + user + ":" + password + "@127.0.0.1:"
         + std::to_string(port_) + "/" + db;
}

std::string pg_server::exec(const std::string& db, const std::string& sql) {
  PGconn* c = PQconnectdb(url(db).c_str());
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      err = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return err;
}

long long pg_server::query_int(const std::string& db, const std::string& sql) {
  PGconn* c = PQconnectdb(url(db).c_str());
  long long out = -1;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
      out = std::atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

std::string pg_server::create_database(const std::string& name) {
  return exec("postgres", "CREATE DATABASE \"" + name + "\"").empty() ? name : std::string{};
}

std::string pg_server::log() const {
  return read_file(dir_ + "/server.log");
}

pg_server* shared_pg_server(std::string* why) {
  static std::unique_ptr<pg_server> server;
  static std::string failure;
  if (!server && failure.empty()) {
    failure = pg_server::unavailable();
    if (failure.empty()) {
      server = std::make_unique<pg_server>();
      failure = server->start();
      if (!failure.empty())
        server.reset();
    }
  }
  if (why)
    *why = failure;
  return server.get();
}

std::string fresh_pg_url(std::string* why) {
  static std::atomic<int> n{0};
  auto* s = shared_pg_server(why);
  if (!s)
    return {};
  auto name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++n);
  if (s->create_database(name).empty()) {
    if (why)
      *why = "cannot create database " + name;
    return {};
  }
  return s->url(name);
}

} // namespace drover::testing
