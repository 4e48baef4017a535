// Task handlers a consumer can run, looked up by task type. A handler is a
// plain function of (payload, attempt); work that takes time without using a
// CPU (sleep) returns a delay instead of blocking, so the consumer can finish
// it on a CAF timer and tests can run it on virtual time.
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
  void add(std::string type, task_handler fn);
  /// nullptr if no handler has that type.
  const task_handler* find(const std::string& type) const;
  /// Known types, sorted: what a consumer announces when it registers.
  std::vector<std::string> types() const;
  /// Known types, sorted, comma-separated (for error messages).
  std::string names() const;

private:
  std::unordered_map<std::string, task_handler> handlers_;
};

/// noop, echo (result = payload), sleep (payload = ms), fail (fails its first
/// K attempts; payload = K), burn (CPU work for N microseconds).
handler_registry builtin_handlers();

} // namespace drover
