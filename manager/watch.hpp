// What the manager keeps for operators to look back on, apart from the
// state it schedules with: every member and where it stands (core/roster),
// the events feed (core/event_log), the 1 s time series (core/series) with
// each job's recent rate, and the attempt counters those are sampled from.
// Pure; actors/manager_watch.cpp feeds it and answers its queries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/event_log.hpp"
#include "core/roster.hpp"
#include "core/series.hpp"

namespace drover {

struct manager_watch {
  static constexpr std::size_t events_kept = 1000;
  static constexpr int64_t sample_every_ms = 1000;
  static constexpr int64_t recent_window_ms = 30000;

  roster members;
  event_log events{events_kept};
  series_ring series{{}};                 ///< bounds set by the manager (its ACK histogram's)
  recent_rates job_rates{recent_window_ms};
  int64_t started_ms = 0;                 ///< unix ms the manager started
  uint64_t succeeded = 0;                 ///< attempts that succeeded, since start
  uint64_t failed = 0;                    ///< attempts that failed, timed out or were retried
};

} // namespace drover
