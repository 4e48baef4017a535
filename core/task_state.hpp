// The versioned task state machine of DESIGN.md §3 as pure functions on a
// task. The manager calls these and then persists/sends what changed; tests
// call them directly. Every transition increments `version`.
#pragma once

#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "core/task.hpp"

namespace drover {

/// True if `from -> to` is a legal move within one attempt:
/// PENDING -> ASSIGNED | CANCELLED; ASSIGNED -> RUNNING | FAILED | CANCELLED |
/// TIMED_OUT; RUNNING -> any terminal state. Terminal states never move.
bool is_legal(task_state from, task_state to);

/// Moves `t` to `next` if `seen_version` is its current version and the move
/// is legal. Returns ec::stale_version or ec::bad_transition otherwise and
/// leaves `t` unchanged.
ec advance(task& t, task_state next, uint64_t seen_version);

/// PENDING -> ASSIGNED to `consumer`; the new version becomes the lease an
/// ACK must name.
ec assign(task& t, const std::string& consumer, int64_t now_ms);

/// What applying a consumer report did.
enum class ack_effect : uint8_t {
  stale,     ///< named an old lease or the task is no longer out: ignored
  started,   ///< ASSIGNED -> RUNNING
  succeeded,
  failed,    ///< failed with no attempts left
  retry,     ///< failed with attempts left: back to PENDING, attempt+1
  timed_out, ///< timed out with no attempts left
};

/// A consumer says it started the attempt it was leased.
ack_effect apply_started(task& t, uint64_t lease, int64_t now_ms);

/// True if `lease` is the task's current lease and the attempt is still out
/// (ASSIGNED or RUNNING): a report naming it is applied, any other is stale.
bool holds_lease(const task& t, uint64_t lease);

/// When the timer of an attempt's timeout fires at `now_ms`: expired, or
/// how long to wait still. The timeout counts from the attempt's start
/// (RUNNING since started_ms). An attempt still ASSIGNED to a member that
/// `reports_starts` waits there for a free slot (its prefetch) and has not
/// begun; one at any other member counts from its assignment.
struct timeout_check {
  bool expired = false;
  int64_t wait_ms = 0; ///< when not expired: until the next check
};
timeout_check check_timeout(const task& t, bool reports_starts, int64_t now_ms);

/// A consumer reports the end of the attempt it was leased. A report for a
/// task still ASSIGNED implies it started (short tasks report both at once).
/// A failure that is not `retryable` ends the task whatever attempts remain.
ack_effect apply_ack(task& t, uint64_t lease, task_outcome outcome,
                     std::string result, int64_t now_ms, bool retryable = true);

/// Takes the task back from its consumer (member lost, restart recovery):
/// PENDING with a new version, so a late ACK for the old lease is stale.
/// The attempt is not counted: losing a consumer is not the task's fault.
void reclaim(task& t);

/// A consumer reports holding `lease` for a PENDING task after a manager
/// restart: a lease newer than the stored version can only come from an
/// assignment the previous manager made and did not store before it died.
/// Takes that assignment back on (ASSIGNED to `consumer` with exactly that
/// lease) and returns true; false, and `t` unchanged, otherwise.
bool adopt_lease(task& t, const std::string& consumer, uint64_t lease, int64_t now_ms);

/// Cancels a task that is not terminal yet; ec::bad_transition if it is.
ec cancel(task& t, int64_t now_ms);

} // namespace drover
