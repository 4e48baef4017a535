// Telling ports apart when a user points a flag at the wrong one. drover
// listens on two kinds: a node port (the registry's --listen, where CAF's
// binary protocol speaks first) and the REST port (--http, HTTP, which waits
// for a request). Plain sockets and short, bounded waits; no CAF here, so
// both the command-line client and `drover run` can ask.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace drover {

enum class port_speaks : uint8_t {
  unknown,      ///< it accepted, but said nothing recognisable
  drover_node,  ///< bytes before any request: a drover node port
  http,         ///< answered a request with "HTTP/"
  closed,       ///< nothing accepts there
};

/// Connects to host:port and listens for `wait`; if it says nothing, sends
/// one HTTP request and waits as long for "HTTP/".
[[nodiscard]] port_speaks probe_port(const std::string& host, uint16_t port,
                                     std::chrono::milliseconds wait);

/// Why host:port cannot be bound now, in words a user acts on ("port 4700 on
/// 127.0.0.1 is already in use by another process"), or "" if it can.
[[nodiscard]] std::string bind_problem(const std::string& host, uint16_t port);

/// The same words for an errno from bind() (EADDRINUSE, EADDRNOTAVAIL, ...).
[[nodiscard]] std::string bind_problem_of(int err, const std::string& host, uint16_t port);

/// HOST and PORT of "http://HOST:PORT/" ("https" too, [IPv6] unbracketed);
/// false if it has no port (the probe then has nothing to ask).
[[nodiscard]] bool split_url_host_port(const std::string& url, std::string& host, uint16_t& port);

} // namespace drover
