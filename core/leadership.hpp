// Which manager process leads, decided as pure functions of what the last
// lease attempt saw and `now` (DESIGN.md §13). The database judges expiry
// on its own clock; this side only keeps a leader honest with itself: a
// leader that has not renewed by (start of its last good renewal + ttl -
// margin) stops before the lease can expire on the database, so two
// processes never both believe they lead. The elector (actors/elector.hpp)
// feeds attempts in and acts on the verdicts.
#pragma once

#include <cstdint>
#include <string>

namespace drover {

struct lease_timing {
  int64_t ttl_ms = 1000;          ///< the lease's life from each renewal (database clock)
  int64_t renew_every_ms = 250;   ///< a leader's attempts, start to start
  int64_t standby_every_ms = 100; ///< a standby's attempts: a released lease is taken fast
  /// A leader stops this long before its lease could expire: covers the
  /// time a renewal takes to reach the database and clock rates drifting.
  int64_t margin_ms = 250;
};

/// What one acquire_or_renew attempt saw (store/leader_lease.hpp's
/// lease_view, or that the database could not be reached).
struct lease_seen {
  bool reached = false;       ///< false: the database did not answer (problem says why)
  bool mine = false;          ///< this process holds the lease now
  uint64_t epoch = 0;         ///< the row's epoch
  std::string address;        ///< the holder's addresses (core/leader_address.hpp)
  std::string problem;        ///< why it was not reached
};

/// This process's view of its own leadership.
struct leadership {
  bool leading = false;
  uint64_t epoch = 0;            ///< while leading: the fencing token its store uses
  int64_t renewed_at_ms = 0;     ///< start of the last attempt that renewed the lease
  std::string leader_address;    ///< the holder as last seen ("" when none or unknown)
};

enum class lease_step : uint8_t {
  stand_by,      ///< not leading, and should not start
  lead,          ///< not leading, and won: open the store fenced with the epoch, load, lead
  keep_leading,  ///< leading, renewed (or a failed attempt with time left)
  step_down,     ///< leading, and must stop at once
};

struct lease_verdict {
  lease_step step = lease_step::stand_by;
  std::string why;               ///< for step_down: the log line's reason
};

/// The local deadline of a leader: it must have renewed by then.
int64_t local_deadline_ms(const leadership& l, const lease_timing& t);

/// True if `l` leads but its local deadline has passed at `now_ms`.
bool past_deadline(const leadership& l, int64_t now_ms, const lease_timing& t);

/// Judges an attempt that started at `started_ms` and ended at `now_ms`,
/// and updates `l` (renewal time, epoch, the leader's address). A renewal
/// counts from when it started, since the database may have stamped it
/// any time after; one that ends past its own deadline cannot lead.
lease_verdict judge_attempt(leadership& l, const lease_seen& seen, int64_t started_ms,
                            int64_t now_ms, const lease_timing& t);

/// How long after `now_ms` the next attempt starts, the last one having
/// started at `started_ms`: leaders every renew_every_ms, standbys every
/// standby_every_ms, start to start; never negative.
int64_t next_attempt_in_ms(const leadership& l, int64_t started_ms, int64_t now_ms,
                           const lease_timing& t);

} // namespace drover
