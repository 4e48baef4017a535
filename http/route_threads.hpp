// The threads that run routes for http_server: the event loop hands each
// complete request to one of them, so a backend call that blocks (up to its
// own timeout) never stops the loop from reading, writing or accepting.
// stop() joins them (routes use the server's state), unlike
// exec/thread_pool.hpp, whose running jobs outlive it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace drover {

class route_threads {
public:
  /// Starts `threads` (at least 1) threads.
  explicit route_threads(std::size_t threads);
  /// stop().
  ~route_threads();
  route_threads(const route_threads&) = delete;
  route_threads& operator=(const route_threads&) = delete;

  /// Queues `job`; false (and `job` dropped) once stop() began.
  bool submit(std::function<void()> job);
  /// Runs what is queued, then joins every thread. Safe to call twice.
  void stop();

private:
  void run();
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace drover
