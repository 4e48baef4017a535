// A raw HTTP exchange over a plain socket, for requests a real client
// never sends (garbage, lies about the body, thousands of headers): every
// wait bounded by 5 s. Header-only: both test binaries use it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include <doctest/doctest.h>

namespace drover::testing {

/// A socket connected to 127.0.0.1:`port`, every send and read on it
/// bounded by `seconds`.
inline int connect_loopback(uint16_t port, long seconds = 5) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

/// True once `reply` holds a whole response (headers and Content-Length
/// bytes of body), so a kept-alive connection need not be waited out.
inline bool complete(const std::string& reply) {
  auto end = reply.find("\r\n\r\n");
  if (end == std::string::npos)
    return false;
  auto at = reply.find("Content-Length: ");
  if (at == std::string::npos || at > end)
    return true;
  auto length = std::stoul(reply.substr(at + 16, reply.find("\r\n", at) - at - 16));
  return reply.size() >= end + 4 + length;
}

/// Sends `raw` to 127.0.0.1:`port` and reads one reply, until the server
/// closes or 5 s pass; returns what arrived. `half_close` tells the server
/// that nothing more follows (it answers a complete request, then closes;
/// a cut-off one gets no answer).
inline std::string exchange(uint16_t port, const std::string& raw, bool half_close) {
  int fd = connect_loopback(port); // 5 s: the bound on every wait below
  // A server may answer and close before it read everything (a head too
  // large): stop sending then, and read what it said.
  for (std::size_t sent = 0; sent < raw.size();) {
    auto n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      break;
    sent += static_cast<std::size_t>(n);
  }
  if (half_close)
    ::shutdown(fd, SHUT_WR);
  std::string reply;
  char buf[4096];
  ssize_t n;
  while (!complete(reply) && (n = ::recv(fd, buf, sizeof buf, 0)) > 0)
    reply.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return reply;
}

} // namespace drover::testing
