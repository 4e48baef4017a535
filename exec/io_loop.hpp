// One thread that owns every child process of a consumer's handlers: it
// starts them (so PR_SET_PDEATHSIG follows a thread that lives as long as
// they should), reads all their pipes with epoll (no child can block another
// or us on a full pipe), notices exits through pidfds, and runs timers
// (timeouts, kill grace, respawn backoff). Work from other threads arrives
// by post(). Everything else here is called on the loop thread only. No CAF.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace drover {

class io_loop {
public:
  using clock = std::chrono::steady_clock;
  using fd_handler = std::function<void(uint32_t events)>;

  io_loop();
  /// Stops the thread; runs the `at_stop` hooks on it first.
  ~io_loop();
  io_loop(const io_loop&) = delete;
  io_loop& operator=(const io_loop&) = delete;

  /// Runs `fn` on the loop thread soon (thread-safe).
  void post(std::function<void()> fn);
  /// Runs `fn` on the loop thread and waits for it (not from the loop thread).
  void run_sync(std::function<void()> fn);
  /// Runs once on the loop thread before it ends (kill what is left).
  void at_stop(std::function<void()> fn);
  /// Runs after every round of events (to send what the round produced).
  void after_round(std::function<void()> fn);

  // -- loop thread only --------------------------------------------------------
  /// Calls `h` with the epoll events of `fd`; returns a token for unwatch.
  uint64_t watch(int fd, uint32_t events, fd_handler h);
  /// Forgets the fd (its events of this round are dropped); the caller closes it.
  void unwatch(uint64_t token, int fd);
  /// Runs `fn` at `when`; returns an id for cancel.
  uint64_t at(clock::time_point when, std::function<void()> fn);
  uint64_t after(std::chrono::milliseconds d, std::function<void()> fn) {
    return at(clock::now() + d, std::move(fn));
  }
  void cancel(uint64_t timer_id);
  /// A read buffer for the loop thread (one per loop, reused by every read).
  std::pair<char*, size_t> scratch() { return {scratch_.data(), scratch_.size()}; }
  bool on_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

private:
  void run();
  void drain_posted();
  void fire_timers();
  int wait_ms() const;

  std::vector<char> scratch_ = std::vector<char>(64 * 1024);
  int epoll_ = -1;
  int wake_ = -1;  ///< eventfd: post() wakes the loop
  std::thread thread_;
  std::mutex mtx_;
  std::vector<std::function<void()>> posted_;
  std::vector<std::function<void()>> stop_hooks_;
  std::vector<std::function<void()>> round_hooks_;
  bool stopping_ = false;
  uint64_t next_token_ = 1;
  std::unordered_map<uint64_t, fd_handler> handlers_;
  std::multimap<clock::time_point, uint64_t> timers_;
  std::unordered_map<uint64_t, std::pair<clock::time_point, std::function<void()>>> timer_fns_;
};

} // namespace drover
