// Backoff between attempts to reach something that is not there right now
// (a registry or manager that went away, a manager whose queues are full):
// exponential waits with a cap, and an optional deadline after which the
// caller gives up. One decision for every retry loop; time is an argument.
#pragma once

#include <chrono>
#include <cstdint>

namespace drover {

struct backoff_policy {
  std::chrono::milliseconds first{50};          ///< the wait after the first failure
  std::chrono::milliseconds max{500};           ///< no wait is longer than this
  std::chrono::milliseconds give_up_after{0};   ///< since the first failure; 0 = never
};

/// The wait after `failures` failed attempts in a row (failures >= 1):
/// first, 2 x first, 4 x first, ... but at most `max`. 0 failures: no wait.
std::chrono::milliseconds backoff_delay(const backoff_policy& p, uint32_t failures);

struct retry_decision {
  bool give_up = false;
  std::chrono::milliseconds wait{0}; ///< before the next attempt, when not giving up
};

/// What to do after `failures` failed attempts in a row, the first of which
/// failed at `since_ms`, at `now_ms` (any clock, both in ms): give up once
/// give_up_after has passed, else wait backoff_delay, cut short so that
/// the last attempt falls on the deadline.
retry_decision next_retry(const backoff_policy& p, uint32_t failures, int64_t since_ms,
                          int64_t now_ms);

/// True for the 1st, 2nd, 4th, 8th, ... failure: a long wait logs a few
/// lines, not one per attempt.
bool worth_logging(uint32_t failures);

} // namespace drover
