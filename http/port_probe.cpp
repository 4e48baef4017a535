// See http/port_probe.hpp.
#include "http/port_probe.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace drover {

namespace {

struct fd_closer {
  int fd = -1;
  ~fd_closer() {
    if (fd >= 0)
      ::close(fd);
  }
};

/// The first address of host:port (numeric or a name), or null.
std::unique_ptr<addrinfo, void (*)(addrinfo*)> resolve(const std::string& host, uint16_t port,
                                                      bool passive) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  addrinfo* res = nullptr;
  auto service = std::to_string(port);
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res) != 0)
    res = nullptr;
  return {res, [](addrinfo* p) {
            if (p)
              ::freeaddrinfo(p);
          }};
}

/// Up to `n` bytes within `wait`; "" if none came.
std::string read_some(int fd, size_t n, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
    return {};
  std::string buf(n, '\0');
  auto got = ::recv(fd, buf.data(), n, 0);
  buf.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return buf;
}

} // namespace

port_speaks probe_port(const std::string& host, uint16_t port, std::chrono::milliseconds wait) {
  auto addr = resolve(host, port, false);
  if (!addr)
    return port_speaks::unknown;
  fd_closer s{::socket(addr->ai_family, addr->ai_socktype | SOCK_CLOEXEC, addr->ai_protocol)};
  if (s.fd < 0)
    return port_speaks::unknown;
  if (::connect(s.fd, addr->ai_addr, addr->ai_addrlen) != 0)
    return errno == ECONNREFUSED ? port_speaks::closed : port_speaks::unknown;
  if (!read_some(s.fd, 16, wait).empty())
    return port_speaks::drover_node; // HTTP servers never speak first
  static const char request[] = "GET /healthz HTTP/1.0\r\nHost: drover\r\n\r\n";
  if (::send(s.fd, request, sizeof(request) - 1, MSG_NOSIGNAL) < 0)
    return port_speaks::unknown;
  auto answer = read_some(s.fd, 5, wait);
  return answer == "HTTP/" ? port_speaks::http : port_speaks::unknown;
}

std::string bind_problem_of(int err, const std::string& host, uint16_t port) {
  auto where = host + ":" + std::to_string(port);
  switch (err) {
    case 0: return {};
    case EADDRINUSE:
      return "port " + std::to_string(port) + " on " + host
             + " is already in use by another process (another drover?)";
    case EADDRNOTAVAIL: return host + " is not an address of this machine";
    case EACCES: return "port " + std::to_string(port) + " needs privileges (use one above 1023)";
    default: return "cannot bind " + where + ": " + std::strerror(err);
  }
}

std::string bind_problem(const std::string& host, uint16_t port) {
  auto addr = resolve(host, port, true);
  if (!addr)
    return "cannot resolve '" + host + "' to an address of this machine";
  fd_closer s{::socket(addr->ai_family, addr->ai_socktype | SOCK_CLOEXEC, addr->ai_protocol)};
  if (s.fd < 0)
    return bind_problem_of(errno, host, port);
  int one = 1; // as the listeners do: TIME_WAIT is no conflict
  (void)::setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(s.fd, addr->ai_addr, addr->ai_addrlen) != 0)
    return bind_problem_of(errno, host, port);
  return {};
}

bool split_url_host_port(const std::string& url, std::string& host, uint16_t& port) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find('/', start);
  auto authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  auto colon = authority.rfind(':');
  if (colon == std::string::npos || authority.back() == ']')
    return false;
  host = authority.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto digits = authority.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  auto n = std::stoul(digits);
  if (n == 0 || n > 65535)
    return false;
  port = static_cast<uint16_t>(n);
  return true;
}

} // namespace drover
