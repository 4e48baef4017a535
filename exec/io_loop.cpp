#include "exec/io_loop.hpp"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <future>

#include "core/log.hpp"
#include "exec/spawn.hpp"

namespace drover {

namespace {

/// Runs `fn`; an exception is logged, never allowed to end the I/O thread
/// (that would take the consumer process down).
template <class F>
void guarded(F&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    log_error("exec: the I/O thread caught an exception and goes on: {}", e.what());
  } catch (...) {
    log_error("exec: the I/O thread caught an unknown exception and goes on");
  }
}

} // namespace

io_loop::io_loop() {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0; // token 0: the wake-up fd
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  thread_ = std::thread{[this] { run(); }};
}

io_loop::~io_loop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_, &one, sizeof one);
  thread_.join();
  ::close(wake_);
  ::close(epoll_);
}

void io_loop::post(std::function<void()> fn) {
  bool was_empty = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    was_empty = posted_.empty();
    posted_.push_back(std::move(fn));
  }
  if (!was_empty)
    return; // a wake-up is on its way already: the loop drains the whole queue
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_, &one, sizeof one);
}

void io_loop::run_sync(std::function<void()> fn) {
  std::promise<void> done;
  post([&] {
    guarded(fn); // the waiter is released even if fn throws
    done.set_value();
  });
  done.get_future().wait();
}

void io_loop::at_stop(std::function<void()> fn) {
  std::lock_guard<std::mutex> guard{mtx_};
  stop_hooks_.push_back(std::move(fn));
}

void io_loop::after_round(std::function<void()> fn) {
  post([this, fn = std::move(fn)]() mutable { round_hooks_.push_back(std::move(fn)); });
}

uint64_t io_loop::watch(int fd, uint32_t events, fd_handler h) {
  auto token = next_token_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    log_error("exec: cannot watch fd {}", fd);
    return 0;
  }
  handlers_.emplace(token, std::move(h));
  return token;
}

void io_loop::unwatch(uint64_t token, int fd) {
  if (token == 0)
    return;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(token);
}

uint64_t io_loop::at(clock::time_point when, std::function<void()> fn) {
  auto id = next_token_++;
  timers_.emplace(when, id);
  timer_fns_.emplace(id, std::make_pair(when, std::move(fn)));
  return id;
}

void io_loop::cancel(uint64_t timer_id) {
  auto i = timer_fns_.find(timer_id);
  if (i == timer_fns_.end())
    return;
  auto range = timers_.equal_range(i->second.first);
  for (auto t = range.first; t != range.second; ++t)
    if (t->second == timer_id) {
      timers_.erase(t);
      break;
    }
  timer_fns_.erase(i);
}

int io_loop::wait_ms() const {
  if (timers_.empty())
    return -1;
  auto d = timers_.begin()->first - clock::now();
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return ms < 0 ? 0 : static_cast<int>(std::min<int64_t>(ms, 60000));
}

void io_loop::drain_posted() {
  std::vector<std::function<void()>> jobs;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    jobs.swap(posted_);
  }
  for (auto& job : jobs)
    guarded(job);
}

void io_loop::fire_timers() {
  auto now = clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto id = timers_.begin()->second;
    timers_.erase(timers_.begin());
    auto i = timer_fns_.find(id);
    if (i == timer_fns_.end())
      continue;
    auto fn = std::move(i->second.second);
    timer_fns_.erase(i);
    guarded(fn);
  }
}

void io_loop::run() {
  block_all_signals_in_this_thread(); // children are vforked from here
  pthread_setname_np(pthread_self(), "drover.io");
  epoll_event events[64];
  for (;;) {
    int n = ::epoll_wait(epoll_, events, 64, wait_ms());
    for (int i = 0; i < n; ++i) {
      auto token = events[i].data.u64;
      if (token == 0) {
        uint64_t count = 0;
        [[maybe_unused]] auto r = ::read(wake_, &count, sizeof count);
        continue;
      }
      auto h = handlers_.find(token);
      if (h != handlers_.end()) {
        auto fn = h->second; // the handler may unwatch itself
        guarded([&] { fn(events[i].events); });
      }
    }
    drain_posted();
    fire_timers();
    for (auto& hook : round_hooks_)
      guarded(hook);
    bool stop = false;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      stop = stopping_;
    }
    if (stop)
      break;
  }
  drain_posted();
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    hooks.swap(stop_hooks_);
  }
  for (auto& hook : hooks)
    guarded(hook);
}

} // namespace drover
