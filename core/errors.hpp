// drover's error codes, a small error value and result<T> (a value or an
// error) for code that must not pull in CAF (core/, rules/, store/,
// config/). actors/protocol.hpp registers `ec` with CAF so the same codes
// travel inside caf::error between actors. Included almost everywhere, so it
// stays free of CAF and heavy headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
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
  name_taken,        ///< a live process already runs this node name and role
  fenced,            ///< a write of a manager that no longer holds the leader lease
  not_leader,        ///< this manager process stands by; another one leads
};

/// Short, stable name of a code, e.g. "stale_version".
const char* to_string(ec code);

/// An error value: empty (false) on success, else a code and a message that
/// tells the user what to fix. [[nodiscard]]: a returned error that nobody
/// looks at is a failure nobody hears of; write `(void)` only where losing
/// it is the intent, and say why.
struct [[nodiscard]] error {
  ec code = ec::none;
  std::string message;

  error() = default;
  error(ec c, std::string msg) : code(c), message(std::move(msg)) {}

  explicit operator bool() const { return code != ec::none; }
};

/// A value or the error that prevented it, instead of an out-parameter next
/// to a returned error. True when it holds a value (like std::optional);
/// err() is empty then.
template <class T>
class [[nodiscard]] result {
public:
  result(T value) : value_(std::move(value)) {}
  /// Anything T is made from (a derived unique_ptr, a string literal).
  template <class U, class = std::enable_if_t<std::is_convertible_v<U&&, T>
                                              && !std::is_same_v<std::decay_t<U>, T>
                                              && !std::is_same_v<std::decay_t<U>, error>>>
  result(U&& value) : value_(T(std::forward<U>(value))) {}
  /// REQUIRES: `e` is an error. An empty one is a bug in the callee; it
  /// must not look like success, so it becomes a store_failure.
  result(error e) : err_(std::move(e)) {
    if (!err_)
      err_ = error{ec::store_failure, "an operation returned neither a value nor an error"};
  }
  result(ec c, std::string msg) : err_(c, std::move(msg)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  /// REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

  /// The error; empty if ok().
  const error& err() const& { return err_; }
  error&& err() && { return std::move(err_); }

private:
  std::optional<T> value_;
  error err_;
};

} // namespace drover
