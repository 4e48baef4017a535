#include "tests/support/tcp_relay.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace drover::testing {

tcp_relay::tcp_relay(std::string upstream_host, uint16_t upstream_port)
  : host_(std::move(upstream_host)), upstream_port_(upstream_port) {}

tcp_relay::~tcp_relay() {
  quit_ = true;
  if (wake_[1] >= 0)
    (void)::write(wake_[1], "q", 1);
  if (loop_.joinable())
    loop_.join();
  for (int fd : {listener_, wake_[0], wake_[1]})
    if (fd >= 0)
      ::close(fd);
}

std::string tcp_relay::start() {
  if (::pipe(wake_) != 0)
    return std::string{"pipe: "} + std::strerror(errno);
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
      || ::listen(listener_, 64) != 0)
    return std::string{"relay listen: "} + std::strerror(errno);
  socklen_t len = sizeof a;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  loop_ = std::thread([this] { run(); });
  return {};
}

void tcp_relay::stop() {
  if (cut_.exchange(true))
    return;
  (void)::write(wake_[1], "s", 1);
}

namespace {

int connect_upstream(const std::string& host, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

void tcp_relay::run() {
  struct pair_fds {
    int a, b;
  };
  std::vector<pair_fds> pairs;
  std::vector<int> held; // connections kept open, silent, after the cut
  bool listening = true;
  char buf[65536];
  while (!quit_) {
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}};
    if (listening)
      fds.push_back({listener_, POLLIN, 0});
    size_t first_pair = fds.size();
    for (auto& p : pairs) {
      fds.push_back({p.a, POLLIN, 0});
      fds.push_back({p.b, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 200) < 0 && errno != EINTR)
      break;
    if (fds[0].revents & POLLIN) {
      char c;
      (void)::read(wake_[0], &c, 1);
    }
    if (cut_ && listening) { // refuse new connections, hold the old ones silently
      listening = false;
      ::close(listener_);
      listener_ = -1;
      for (auto& p : pairs) {
        held.push_back(p.a);
        held.push_back(p.b);
      }
      pairs.clear();
      continue;
    }
    if (listening && (fds[1].revents & POLLIN)) {
      int in = ::accept(listener_, nullptr, nullptr);
      if (in >= 0) {
        int out = connect_upstream(host_, upstream_port_);
        if (out < 0)
          ::close(in);
        else
          pairs.push_back({in, out});
      }
      continue; // the pair list changed: poll again
    }
    std::vector<pair_fds> alive;
    for (size_t i = 0; i < pairs.size(); ++i) {
      bool open = true;
      for (int side = 0; side < 2 && open; ++side) {
        auto& pf = fds[first_pair + 2 * i + side];
        if (!(pf.revents & (POLLIN | POLLHUP | POLLERR)))
          continue;
        int from = side == 0 ? pairs[i].a : pairs[i].b;
        int to = side == 0 ? pairs[i].b : pairs[i].a;
        auto n = ::read(from, buf, sizeof buf);
        if (n <= 0 || ::send(to, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n)
          open = false;
      }
      if (open) {
        alive.push_back(pairs[i]);
      } else {
        ::close(pairs[i].a);
        ::close(pairs[i].b);
      }
    }
    pairs = std::move(alive);
  }
  for (auto& p : pairs) {
    ::close(p.a);
    ::close(p.b);
  }
  for (int fd : held)
    ::close(fd);
}

} // namespace drover::testing
