// A pool of threads for in-process handlers that block or use a CPU (burn):
// the consumer actor hands them work and hears the outcome as a message, so
// its heartbeats, credit and aborts keep flowing while they run. Threads
// start on demand, up to `max_threads` (the consumer's capacity: that many
// tasks truly run at once); idle ones wait for the next job. No CAF here.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace drover {

class thread_pool {
public:
  explicit thread_pool(size_t max_threads);
  /// Drops the jobs still queued. Running jobs cannot be stopped safely:
  /// their threads finish them and end on their own (detached), so a
  /// consumer restart never waits for a long handler.
  ~thread_pool();
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  /// Queues `job`; a thread picks it up at once if one is free or may start.
  void submit(std::function<void()> job);
  size_t threads() const;

  struct shared; ///< what the detached threads keep alive

private:
  std::shared_ptr<shared> s_;
};

} // namespace drover
