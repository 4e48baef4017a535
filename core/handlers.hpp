// Task handlers a consumer can run, looked up by task type. A handler is a
// plain function of (payload, attempt); work that takes time without using a
// CPU (sleep) returns a delay instead of blocking, so the consumer can finish
// it on a CAF timer and tests can run it on virtual time. A handler marked
// `off_actor` (one that blocks or burns a CPU) runs on the consumer's thread
// pool; the others are trivially cheap and run inline. Users' own programs
// are exec and worker handlers (exec/), not these.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace drover {

struct handler_result {
  bool ok = true;
  std::string result;
  std::chrono::milliseconds delay{0}; ///< report the outcome this much later
};

using task_handler =
  std::function<handler_result(const std::string& payload, uint32_t attempt)>;

class handler_registry {
public:
  /// `off_actor`: the handler may block or use a CPU for long, so it runs
  /// on a thread pool, never in the consumer actor.
  void add(std::string type, task_handler fn, bool off_actor = false);
  /// nullptr if no handler has that type.
  const task_handler* find(const std::string& type) const;
  bool runs_off_actor(const std::string& type) const;
  /// Known types, sorted: what a consumer announces when it registers.
  std::vector<std::string> types() const;
  /// Known types, sorted, comma-separated (for error messages).
  std::string names() const;

private:
  struct entry {
    task_handler fn;
    bool off_actor = false;
  };
  std::unordered_map<std::string, entry> handlers_;
};

/// noop, echo (result = payload), sleep (payload = ms), fail (fails its first
/// K attempts; payload = K), burn (CPU work for N microseconds, off the actor).
handler_registry builtin_handlers();

} // namespace drover
