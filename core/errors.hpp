// drover's error codes and a small error value for code that must not pull in
// CAF (core/, rules/, store/, config/). actors/protocol.hpp registers `ec`
// with CAF so the same codes travel inside caf::error between actors.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace drover {

/// Every error drover reports. 0 is reserved: CAF treats code 0 as "no error".
enum class ec : uint8_t {
  none = 0,
  stale_version,     ///< an update named a version the task has moved past
  bad_transition,    ///< the state machine does not allow this move
  unknown_task,
  unknown_job,
  bad_input,         ///< malformed flags, YAML, JSON, payloads
  invalid_rules,     ///< a rule set failed validation
  store_failure,     ///< the database refused a read or write
  store_corrupt,     ///< the database file is not a drover store
  unreachable,       ///< a peer (registry, manager) could not be reached
  no_manager,        ///< the registry knows no manager yet
  overloaded,        ///< queues are full; retry later
  unknown_member,    ///< a heartbeat from a member the registry dropped: register again
  forbidden,         ///< an administrative message without the credentials it needs
};

/// Short, stable name of a code, e.g. "stale_version".
const char* to_string(ec code);

/// An error value: empty (false) on success, else a code and a message that
/// tells the user what to fix.
struct error {
  ec code = ec::none;
  std::string message;

  error() = default;
  error(ec c, std::string msg) : code(c), message(std::move(msg)) {}

  explicit operator bool() const { return code != ec::none; }
};

} // namespace drover
