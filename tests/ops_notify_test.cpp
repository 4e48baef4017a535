// systemd readiness: `drover run` with NOTIFY_SOCKET set sends READY=1 to
// that unix datagram socket once it is ready (the ready file is there by
// then), and STOPPING=1 when a signal stops it.
#include <doctest/doctest.h>

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/sd_notify.hpp"
#include "tests/support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// A unix datagram socket bound at `path`, as systemd listens for notify.
struct notify_socket {
  int fd = -1;
  explicit notify_socket(const std::string& path) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof a.sun_path);
    std::memcpy(a.sun_path, path.data(), path.size());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~notify_socket() { ::close(fd); }
  /// The next datagram within `limit`; "" if none came.
  std::string next(std::chrono::milliseconds limit) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) != 1)
      return {};
    char buf[512];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string{};
  }
};

} // namespace

TEST_CASE("drover run tells NOTIFY_SOCKET READY=1 after its ready file, STOPPING=1 on SIGTERM") {
  scratch_dir dir;
  notify_socket sock{dir.path + "/notify"};
  ::setenv("NOTIFY_SOCKET", (dir.path + "/notify").c_str(), 1);
  ready_process p{{DROVER_BINARY, "run", "--listen=127.0.0.1:0", "--http=127.0.0.1:0",
                   "--store=memory"},
                  dir.path + "/node"};
  ::unsetenv("NOTIFY_SOCKET");
  auto first = sock.next(15s);
  CHECK(first == "READY=1");
  CHECK(std::filesystem::exists(dir.path + "/node.ready")); // written before READY=1 is sent
  p.signal(SIGTERM);
  CHECK(sock.next(15s) == "STOPPING=1");
  CHECK(p.wait(15s) == 0);
  CHECK(sock.next(200ms).empty()); // nothing more
}

TEST_CASE("sd_notify_state: nothing without NOTIFY_SOCKET, an abstract socket with @") {
  ::unsetenv("NOTIFY_SOCKET");
  CHECK_FALSE(drover::sd_notify_state("READY=1"));
  // An abstract socket: "@name" is "\0name" on the wire.
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::string name = "drover-test-" + std::to_string(::getpid());
  std::memcpy(a.sun_path + 1, name.data(), name.size());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())) == 0);
  ::setenv("NOTIFY_SOCKET", ("@" + name).c_str(), 1);
  CHECK_FALSE(drover::sd_notify_state("STATUS=hello"));
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  CHECK(drover::sd_notify_state("READY=1").message.find("is not a socket path") != std::string::npos);
  ::unsetenv("NOTIFY_SOCKET");
  char buf[64];
  pollfd p{fd, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 2000) == 1);
  auto n = ::recv(fd, buf, sizeof buf, 0);
  CHECK(std::string(buf, static_cast<size_t>(n)) == "STATUS=hello");
  ::close(fd);
}
