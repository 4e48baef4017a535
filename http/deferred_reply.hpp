// A parked request's answer, given later from any thread: the long-poll of
// HTTP workers waits this way for a task without holding a server thread.
// The route calls http_response::defer(); the server attaches the
// connection once the route returned, and sends whichever comes first:
// complete()'s response, or the timeout response at the deadline. A client
// that disconnects meanwhile makes complete() return false, so the caller
// can give what it had to someone else.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "http/message.hpp"

namespace drover {

class deferred_reply {
public:
  using clock = std::chrono::steady_clock;

  deferred_reply(clock::time_point deadline, http_response on_timeout);

  /// Sends `res` to the waiting client. True if it was taken; false if the
  /// request was already answered, timed out, or its client left (then
  /// nothing is sent and `res` is dropped).
  bool complete(http_response res);

  /// True while complete() would still be taken (as far as the server knows).
  bool waiting() const;

  clock::time_point deadline() const { return deadline_; }

  // -- for the server ---------------------------------------------------------

  /// Called once, on the connection's own executor: `send` delivers a
  /// response to the connection (it posts; it never sends inline). Returns
  /// a response that complete() gave before the attach, if any.
  std::optional<http_response> attach(std::function<void(http_response)> send);
  /// The deadline passed: the timeout response, unless already answered.
  std::optional<http_response> expire();
  /// The client left or the server stops: complete() returns false from now.
  void abandon();

private:
  enum class phase { waiting, answered, expired, gone };
  mutable std::mutex mtx_;
  phase phase_ = phase::waiting;
  clock::time_point deadline_;
  http_response on_timeout_;
  std::function<void(http_response)> send_;  ///< set by attach()
  std::optional<http_response> early_;       ///< complete() before attach()
};

} // namespace drover
