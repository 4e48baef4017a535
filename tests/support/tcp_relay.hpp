// A TCP relay for tests: listens on 127.0.0.1 (a free port) and forwards
// each connection to an upstream address, on one thread. stop() cuts the
// line the way a failed network does: nothing more is forwarded either
// way, the open connections are held (no FIN, no reset: the peers only see
// silence), and new connections are refused. The destructor closes all.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace drover::testing {

class tcp_relay {
public:
  tcp_relay(std::string upstream_host, uint16_t upstream_port);
  ~tcp_relay();
  tcp_relay(const tcp_relay&) = delete;
  tcp_relay& operator=(const tcp_relay&) = delete;

  /// Listens and starts forwarding; "" or what failed.
  std::string start();
  /// Cuts the line (see above). Safe to call twice.
  void stop();
  uint16_t port() const { return port_; }

private:
  void run();

  std::string host_;
  uint16_t upstream_port_;
  uint16_t port_ = 0;
  int listener_ = -1;
  int wake_[2] = {-1, -1}; ///< a pipe that wakes the loop on stop and on destruction
  std::atomic<bool> cut_{false};
  std::atomic<bool> quit_{false};
  std::thread loop_;
};

} // namespace drover::testing
