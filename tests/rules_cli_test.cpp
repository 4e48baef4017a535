// `drover rules apply|get --manager=HOST:PORT` against a real registry+manager
// process: the CAF path of the hot swap. Every wait is bounded.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <random>

#include "support/chaos_cluster.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// A listening port that drops every connection: a client's attempt there
/// fails as it would while a manager restarts, and the test sees the attempt.
class dropping_port {
public:
  /// A port below Linux's ephemeral range (32768 and up): a client that
  /// keeps connecting to an ephemeral port nobody listens on can connect to
  /// itself (TCP simultaneous open) and then hold the port.
  dropping_port() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); // not inherited by the client
    int on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::mt19937 pick{std::random_device{}()};
    bool bound = false;
    for (int i = 0; i < 200 && !bound; ++i) {
      port_ = static_cast<uint16_t>(20000 + pick() % 12000);
      a.sin_port = htons(port_);
      bound = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    REQUIRE(bound);
    REQUIRE(::listen(fd_, 8) == 0);
  }
  ~dropping_port() { close(); }
  uint16_t port() const { return port_; }
  /// True once a client connected (and was dropped) within `limit`.
  bool drop_one(std::chrono::milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) != 1)
      return false;
    int c = ::accept(fd_, nullptr, nullptr);
    if (c >= 0)
      ::close(c);
    return c >= 0;
  }
  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

} // namespace

TEST_SUITE("rules cli") {

TEST_CASE("drover rules apply swaps the set in a running manager, a bad file changes nothing") {
  scratch_dir dir;
  const std::string bin = DROVER_BINARY;
  auto good = dir.path + "/good.yaml";
  auto bad = dir.path + "/bad.yaml";
  std::ofstream{good} << "version: 5\ndefaults: { strategy: round_robin }\n";
  std::ofstream{bad} << "version: 6\ndefaults: { strategy: nope }\n";
  ready_process mgr({bin, "run", "--role=registry,manager", "--listen=127.0.0.1:0", "--http=off",
                     "--store=memory", "--threads=1"},
                    dir.path + "/manager");
  auto at = "--manager=127.0.0.1:" + std::to_string(mgr.ready().registry_port);

  child_process apply({bin, "rules", "apply", good, at}, dir.path + "/apply");
  CHECK(apply.wait(10s) == 0);
  CHECK(apply.out().find("version 5") != std::string::npos);
  child_process swapped({bin, "rules", "get", at}, dir.path + "/swapped");
  CHECK(swapped.wait(10s) == 0);
  CHECK(swapped.out().find("version 5") != std::string::npos); // in force at once

  child_process refused({bin, "rules", "apply", bad, at}, dir.path + "/bad");
  CHECK(refused.wait(10s) == 2);
  CHECK(refused.err().find(bad + ":2:23: unknown strategy 'nope'") != std::string::npos);

  child_process get({bin, "rules", "get", at}, dir.path + "/get");
  CHECK(get.wait(10s) == 0);
  INFO(get.out());
  CHECK(get.out().find("version 5") != std::string::npos); // the bad file changed nothing
  CHECK(get.out().find("strategy: round_robin") != std::string::npos);

  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("drover rules apply waits for a manager that is restarting, then applies") {
  scratch_dir dir;
  auto good = dir.path + "/good.yaml";
  std::ofstream{good} << "version: 7\n";
  // The client first, while no manager answers: its first attempt is dropped.
  dropping_port restarting;
  auto port = std::to_string(restarting.port());
  child_process apply({DROVER_BINARY, "rules", "apply", good, "--manager=127.0.0.1:" + port},
                      dir.path + "/apply");
  REQUIRE(restarting.drop_one(10s));
  restarting.close();
  child_process mgr({DROVER_BINARY, "run", "--role=registry,manager", "--listen=127.0.0.1:" + port,
                     "--http=off", "--store=memory", "--threads=1"},
                    dir.path + "/manager");
  INFO(apply.err());
  CHECK(apply.wait(10s) == 0);
  CHECK(apply.out().find("version 7") != std::string::npos);
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("drover rules apply to an address where nothing listens: retries, then exit 1") {
  scratch_dir dir;
  auto good = dir.path + "/good.yaml";
  std::ofstream{good} << "version: 1\n";
  auto t0 = std::chrono::steady_clock::now();
  child_process apply({DROVER_BINARY, "rules", "apply", good, "--manager=127.0.0.1:1",
                       "--reconnect-timeout=700"},
                      dir.path + "/apply");
  CHECK(apply.wait(10s) == 1); // a runtime failure (2 is for bad usage)
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 700ms); // it kept trying for the whole --reconnect-timeout
  INFO(apply.err());
  CHECK(apply.err().find("cannot reach 127.0.0.1:1") != std::string::npos);
  CHECK(apply.err().find("trying again in") != std::string::npos);
  CHECK(apply.err().find("gave up after") != std::string::npos);
}

} // TEST_SUITE
