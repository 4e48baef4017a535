// What a handler's child process gets: its argv with placeholders filled in
// and its environment (clean by default: a fixed PATH, the variables the
// handler inherits or sets, and DROVER_TASK_ID / DROVER_ATTEMPT /
// DROVER_LEASE / DROVER_TASK_TYPE for exec tasks). Plus the bounded tail kept of a stream.
#pragma once

#include <cstddef>
#include <string>

#include "exec/handler_spec.hpp"
#include "exec/outcome.hpp"
#include "exec/spawn.hpp"

namespace drover {

/// PATH when a handler neither inherits nor sets one.
constexpr const char* default_child_path = "/usr/local/bin:/usr/bin:/bin";

/// The spawn plan for `p`; `r` (may be null, for workers) fills placeholders
/// and the DROVER_* variables.
spawn_plan plan_for(const process_spec& p, const exec_request* r);

/// The last `limit` bytes written to it (stderr of an attempt, a worker's log).
class tail_buffer {
public:
  tail_buffer(size_t limit = 64 * 1024) : limit_(limit) {}
  void append(const char* data, size_t n);
  void append(const std::string& s) { append(s.data(), s.size()); }
  /// The tail, with a first line saying how much was dropped, if any.
  std::string take();
  bool empty() const { return buf_.empty(); }
  /// The last non-empty line (at most 200 bytes), for a short reason.
  std::string last_line() const;

private:
  size_t limit_;
  size_t dropped_ = 0;
  std::string buf_;
};

} // namespace drover
