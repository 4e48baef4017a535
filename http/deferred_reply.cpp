// deferred_reply: see http/deferred_reply.hpp. One mutex orders complete()
// (any thread) against attach/expire/abandon (the connection's executor).
#include "http/deferred_reply.hpp"

namespace drover {

deferred_reply::deferred_reply(clock::time_point deadline, http_response on_timeout)
  : deadline_(deadline), on_timeout_(std::move(on_timeout)) {}

bool deferred_reply::complete(http_response res) {
  std::function<void(http_response)> send;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (phase_ != phase::waiting)
      return false;
    phase_ = phase::answered;
    if (!send_) {
      early_ = std::move(res);
      return true;
    }
    send = std::move(send_);
    send_ = nullptr;
  }
  send(std::move(res)); // outside the lock: it posts to the connection
  return true;
}

bool deferred_reply::waiting() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return phase_ == phase::waiting;
}

std::optional<http_response> deferred_reply::attach(std::function<void(http_response)> send) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (phase_ == phase::answered && early_) {
    auto res = std::move(early_);
    early_.reset();
    return res;
  }
  if (phase_ == phase::waiting)
    send_ = std::move(send);
  return std::nullopt;
}

std::optional<http_response> deferred_reply::expire() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (phase_ != phase::waiting)
    return std::nullopt;
  phase_ = phase::expired;
  send_ = nullptr;
  return std::move(on_timeout_);
}

void deferred_reply::abandon() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (phase_ == phase::waiting)
    phase_ = phase::gone;
  send_ = nullptr;
  early_.reset();
}

} // namespace drover
