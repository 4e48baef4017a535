// drover_pg_server: tests/support/pg_server as a program, for shell scripts
// and benches that need a throw-away PostgreSQL 15 (bench/pg_store.sh).
//
//   drover_pg_server [--db=NAME]... [--set=NAME=VALUE]...
//
// Starts the server (initdb into a fresh temp dir, 127.0.0.1, a free port,
// fsync on), creates each database, prints "url <db> <postgres://...>" per
// database and then "ready <postmaster pid>", and waits for SIGTERM or
// SIGINT: then it stops the server (fast shutdown) and removes the dir.
// Exit 77 if PostgreSQL is not installed, 1 if it cannot start.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/stop_signals.hpp"
#include "tests/support/pg_server.hpp"

using drover::testing::pg_server;

int main(int argc, char** argv) {
  std::vector<std::string> dbs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--db=", 0) == 0 && a.size() > 5) {
      dbs.push_back(a.substr(5));
    } else {
      std::fprintf(stderr, "usage: drover_pg_server [--db=NAME]...\n");
      return 2;
    }
  }
  if (auto why = pg_server::unavailable(); !why.empty()) {
    std::fprintf(stderr, "drover_pg_server: %s\n", why.c_str());
    return 77;
  }
  // Block the stop signals before anything starts, then wait for one.
  auto stop = drover::block_stop_signals();
  pg_server pg;
  if (auto err = pg.start(); !err.empty()) {
    std::fprintf(stderr, "drover_pg_server: %s\n", err.c_str());
    return 1;
  }
  for (const auto& db : dbs) {
    if (pg.create_database(db).empty()) {
      std::fprintf(stderr, "drover_pg_server: cannot create database %s\n", db.c_str());
      return 1;
    }
    std::printf("url %s %s\n", db.c_str(), pg.url(db).c_str());
  }
  std::printf("ready %d\n", static_cast<int>(pg.pid()));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  return pg.stop().empty() ? 0 : 1;
}
