// bounded_server: see http/bounded_server.hpp. The connection loop mirrors
// cpp-httplib 0.11's own (keep-alive wait, at most keep_alive_max_count
// requests, then close), with one stream per connection so bytes read
// ahead are never dropped between requests.
#include "http/bounded_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

#include "http/status.hpp"

namespace drover {

namespace {

thread_local bool head_too_large = false;

class limited_stream final : public httplib::Stream {
public:
  limited_stream(socket_t sock, int read_ms, int write_ms)
    : sock_(sock), read_ms_(read_ms), write_ms_(write_ms) {}

  /// A new request starts: its head is counted from here.
  void start_request() {
    in_head_ = true;
    head_bytes_ = head_lines_ = line_len_ = 0;
    written_ = 0;
    head_too_large = false;
  }
  std::size_t written() const { return written_; }
  bool buffered() const { return pos_ < end_; }

  bool is_readable() const override { return buffered() || wait(POLLIN, read_ms_); }
  /// As the library's own stream: writable and the peer has not closed
  /// (a half-closed client gets no reply).
  bool is_writable() const override { return wait(POLLOUT, write_ms_) && peer_alive(); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (!buffered()) {
      if (!wait(POLLIN, read_ms_))
        return -1;
      auto n = ::recv(sock_, buf_, sizeof buf_, 0);
      if (n <= 0)
        return n;
      pos_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    std::size_t n = std::min(size, end_ - pos_);
    if (in_head_)
      n = count_head(n); // the library reads the head one byte at a time
    if (head_too_large)
      return -1;
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    if (!wait(POLLOUT, write_ms_))
      return -1;
    auto n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    if (n > 0)
      written_ += static_cast<std::size_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address(::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address(::getsockname, ip, port);
  }
  socket_t socket() const override { return sock_; }

private:
  /// Counts up to `n` bytes of the head; stops after its blank line, or
  /// sets head_too_large past a limit. Returns how many bytes to hand out.
  std::size_t count_head(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      char c = buf_[pos_ + i];
      if (++head_bytes_ > max_head_bytes) {
        head_too_large = true;
        return 0;
      }
      if (c == '\n') {
        if (line_len_ == 0 && head_lines_ > 0) { // the blank line: the body follows
          in_head_ = false;
          return i + 1;
        }
        if (++head_lines_ > max_header_fields + 1) { // + the request line
          head_too_large = true;
          return 0;
        }
        line_len_ = 0;
      } else if (c != '\r') {
        ++line_len_;
      }
    }
    return n;
  }

  bool peer_alive() const {
    if (!wait(POLLIN, 0))
      return true;
    char byte;
    return ::recv(sock_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
  }

  bool wait(short events, int ms) const {
    pollfd p{sock_, events, 0};
    int rc;
    do {
      rc = ::poll(&p, 1, ms);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
  }

  template <class Get>
  void address(Get get, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ip.clear();
    port = 0;
    if (get(sock_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
      port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
      port = ntohs(a->sin6_port);
    }
    ip = text;
  }

  socket_t sock_;
  int read_ms_, write_ms_;
  char buf_[4096];
  std::size_t pos_ = 0, end_ = 0;
  bool in_head_ = true;
  std::size_t head_bytes_ = 0, head_lines_ = 0, line_len_ = 0, written_ = 0;
};

/// Waits up to `timeout_ms` for the next request, looking every 10 ms
/// whether the server is stopping.
bool wait_request(const limited_stream& s, const std::atomic<socket_t>& listening,
                  int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (listening != INVALID_SOCKET) {
    if (s.buffered())
      return true;
    pollfd p{s.socket(), POLLIN, 0};
    if (::poll(&p, 1, 10) > 0)
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
  }
  return false;
}

/// The 431 for a head too large to be parsed at all (a request line past
/// the limit): written here, since the library wrote nothing.
void write_431(limited_stream& s) {
  std::string body = error_body("header_fields_too_large",
                                "the request line and headers exceed "
                                  + std::to_string(max_header_fields) + " fields or "
                                  + std::to_string(max_head_bytes) + " bytes");
  std::string msg = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                    "Content-Type: application/json\r\nConnection: close\r\n"
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  s.write(msg.data(), msg.size());
}

/// Closes after an error reply without losing it: a close with unread bytes
/// sends a reset that can destroy the reply in flight, so stop sending,
/// read what the client still sends (bounded in bytes and time), then close.
void linger_close(socket_t sock) {
  ::shutdown(sock, SHUT_WR);
  char sink[4096];
  std::size_t drained = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (drained < (std::size_t{1} << 20) && std::chrono::steady_clock::now() < deadline) {
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    auto n = ::recv(sock, sink, sizeof sink, 0);
    if (n <= 0)
      break;
    drained += static_cast<std::size_t>(n);
  }
  ::close(sock);
}

} // namespace

bool request_head_too_large() {
  return head_too_large;
}

bool bounded_server::process_and_close_socket(socket_t sock) {
  auto ms = [](time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); };
  limited_stream strm{sock, ms(read_timeout_sec_, read_timeout_usec_),
                      ms(write_timeout_sec_, write_timeout_usec_)};
  bool ret = false, refused = false;
  for (auto count = keep_alive_max_count_;
       count > 0 && wait_request(strm, svr_sock_, ms(keep_alive_timeout_sec_, 0)); --count) {
    bool closed = false;
    strm.start_request();
    ret = process_request(strm, count == 1, closed, nullptr);
    if (head_too_large) {
      if (strm.written() == 0)
        write_431(strm);
      refused = true;
      ret = false;
      break;
    }
    if (!ret || closed)
      break;
  }
  head_too_large = false;
  if (refused) {
    linger_close(sock);
  } else {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
  return ret;
}

} // namespace drover
