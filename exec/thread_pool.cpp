#include "exec/thread_pool.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace drover {

struct thread_pool::shared {
  size_t max = 1;
  std::mutex mtx;
  std::condition_variable ready;
  std::deque<std::function<void()>> jobs;
  size_t threads = 0;
  size_t idle = 0;
  bool stopping = false;
};

namespace {

void work(std::shared_ptr<thread_pool::shared> s) {
  std::unique_lock<std::mutex> lock{s->mtx};
  for (;;) {
    ++s->idle;
    s->ready.wait(lock, [&] { return s->stopping || !s->jobs.empty(); });
    --s->idle;
    if (s->stopping)
      break;
    auto job = std::move(s->jobs.front());
    s->jobs.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
  --s->threads;
}

} // namespace

thread_pool::thread_pool(size_t max_threads) : s_(std::make_shared<shared>()) {
  s_->max = max_threads == 0 ? 1 : max_threads;
}

thread_pool::~thread_pool() {
  {
    std::lock_guard<std::mutex> guard{s_->mtx};
    s_->stopping = true;
    s_->jobs.clear();
  }
  s_->ready.notify_all();
}

void thread_pool::submit(std::function<void()> job) {
  std::lock_guard<std::mutex> guard{s_->mtx};
  if (s_->stopping)
    return;
  s_->jobs.push_back(std::move(job));
  // Idle threads take queued jobs; start one more only when they cannot
  // cover the queue, so N jobs at once get N threads (up to the limit).
  if (s_->idle >= s_->jobs.size() || s_->threads >= s_->max) {
    s_->ready.notify_one();
    return;
  }
  ++s_->threads;
  std::thread{work, s_}.detach();
}

size_t thread_pool::threads() const {
  std::lock_guard<std::mutex> guard{s_->mtx};
  return s_->threads;
}

} // namespace drover
