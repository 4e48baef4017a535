// Hostile HTTP clients on 127.0.0.0/8, for tests/http_hostile_test.cpp and
// bench/http_hostile_bench.cpp: slowloris (connections that send a header
// byte now and then and never finish), a connect-and-drop storm, and a
// /healthz probe that times each answer on a fresh connection. Loopback
// only, every wait bounded, everything stops by itself. Header-only, no
// doctest: the benchmark uses it too.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace drover::testing {

/// A TCP connection to 127.0.0.1:`port` from 127.0.0.`source` (the whole
/// 127/8 is this machine, so one test plays many client addresses); -1 if
/// it fails. Sends and receives time out after `timeout_ms`.
inline int hostile_connect(uint16_t port, int source = 1, int timeout_ms = 5000) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(0x7f000000u | static_cast<uint32_t>(source & 0xff));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if ((source != 1 && ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
      || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// One GET /healthz on a fresh connection (Connection: close): its time in
/// ms, or -1 if it failed or took over `timeout_ms`.
inline double time_healthz(uint16_t port, int timeout_ms = 5000) {
  auto t0 = std::chrono::steady_clock::now();
  int fd = hostile_connect(port, 1, timeout_ms);
  if (fd < 0)
    return -1;
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  bool ok = ::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  std::string reply;
  char buf[2048];
  ssize_t n;
  while (ok && (n = ::recv(fd, buf, sizeof buf, 0)) > 0)
    reply.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (reply.rfind("HTTP/1.1 200 ", 0) != 0)
    return -1;
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

/// Latencies of a probe run: how many, how many failed, percentiles in ms.
struct probe_stats {
  std::vector<double> ms;
  int failed = 0;
  double percentile(double p) const {
    if (ms.empty())
      return -1;
    auto v = ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  }
  double max() const { return ms.empty() ? -1 : *std::max_element(ms.begin(), ms.end()); }
};

/// Times /healthz every `every` until `stop` is set or `limit` passes.
inline probe_stats probe_healthz(uint16_t port, const std::atomic<bool>& stop,
                                 std::chrono::milliseconds every, std::chrono::milliseconds limit) {
  probe_stats out;
  auto end = std::chrono::steady_clock::now() + limit;
  while (!stop && std::chrono::steady_clock::now() < end) {
    double ms = time_healthz(port);
    if (ms < 0)
      ++out.failed;
    else
      out.ms.push_back(ms);
    std::this_thread::sleep_for(every);
  }
  return out;
}

/// Slowloris: `count` connections spread over `sources` client addresses
/// (127.0.0.2 on), each sending one more byte of a request head every
/// `every`, never finishing it; a connection the server closes is opened
/// again. Runs on its own thread until stop() or `limit`.
class slowloris {
public:
  slowloris(uint16_t port, int count, int sources, std::chrono::milliseconds every,
            std::chrono::milliseconds limit)
    : port_(port), count_(count), sources_(sources), every_(every), limit_(limit) {
    thread_ = std::thread{[this] { run(); }};
  }
  ~slowloris() { stop(); }

  /// Waits until every connection was opened once (bounded by `limit`).
  bool wait_open(std::chrono::milliseconds limit) const {
    auto end = std::chrono::steady_clock::now() + limit;
    while (opened_ < count_ && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return opened_ >= count_;
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
  }
  int opened() const { return opened_; }        ///< connections opened, reopens included
  int closed_by_server() const { return closed_; }
  int failed() const { return failed_; }        ///< connects that failed

private:
  void run() {
    std::vector<int> fds(static_cast<std::size_t>(count_), -1);
    std::vector<std::size_t> sent(fds.size(), 0);
    const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    auto end = std::chrono::steady_clock::now() + limit_;
    while (!stop_ && std::chrono::steady_clock::now() < end) {
      for (std::size_t i = 0; i < fds.size() && !stop_; ++i) {
        if (fds[i] < 0) {
          fds[i] = hostile_connect(port_, 2 + static_cast<int>(i) % sources_, 2000);
          sent[i] = 0;
          if (fds[i] < 0) {
            ++failed_;
            continue;
          }
          ++opened_;
        }
        char byte = sent[i] < head.size() ? head[sent[i]] : 'a';
        if (::send(fds[i], &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1 && peer_open(fds[i])) {
          ++sent[i];
        } else {
          ++closed_;
          ::close(fds[i]);
          fds[i] = -1;
        }
      }
      std::this_thread::sleep_for(every_);
    }
    for (int fd : fds)
      if (fd >= 0)
        ::close(fd);
  }
  /// False once the server closed its side (EOF or an answer then EOF).
  static bool peer_open(int fd) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0)
      return true;
    char buf[512];
    return ::recv(fd, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == EAGAIN;
  }

  uint16_t port_;
  int count_, sources_;
  std::chrono::milliseconds every_, limit_;
  std::atomic<bool> stop_{false};
  std::atomic<int> opened_{0}, closed_{0}, failed_{0};
  std::thread thread_;
};

/// What a connect-and-drop storm did.
struct storm_result {
  int connected = 0;
  int failed = 0;
  double seconds = 0;
};

/// Opens `count` connections as fast as `threads` threads can, from
/// `sources` client addresses, and drops each at once (half of them with
/// a reset, half with a plain close).
inline storm_result connect_and_drop(uint16_t port, int count, int threads, int sources) {
  std::atomic<int> next{0}, connected{0}, failed{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      for (int i; (i = next++) < count;) {
        int fd = hostile_connect(port, 2 + i % sources, 2000);
        if (fd < 0) {
          ++failed;
          continue;
        }
        ++connected;
        if (i % 2 == 0) {
          linger reset{1, 0}; // close with RST
          ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        }
        ::close(fd);
      }
    });
  for (auto& w : workers)
    w.join();
  storm_result out;
  out.connected = connected;
  out.failed = failed;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

} // namespace drover::testing
