// Recurring jobs, the pure part: when a schedule fires
// and which missed runs to start after the manager was down. The scheduler
// actor (actors/scheduler.cpp) keeps the time and the timers; everything it
// decides comes from here. Times are ms since the Unix epoch (UTC), passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cron.hpp"
#include "core/errors.hpp"

namespace drover {

/// The shortest `every` accepted: a schedule is a job per run, not a tick.
constexpr int64_t min_every_ms = 100;
/// The longest `every` accepted (one year).
constexpr int64_t max_every_ms = 366LL * 24 * 3600 * 1000;

/// Parses "500ms", "30s", "5m", "1h" or "2d" (one whole number and one
/// unit) into ms, from min_every_ms to max_every_ms. On failure:
/// ec::bad_input saying what to write.
result<int64_t> parse_every(std::string_view text);

/// "30s", "5m", "1500ms": the shortest exact form of a period, for output.
std::string every_text(int64_t ms);

/// When a schedule fires: a fixed period, or a cron expression.
struct recurrence {
  int64_t every_ms = 0;   ///< > 0: fixed period
  cron_expr cron;         ///< used when every_ms == 0
  std::string text;       ///< as given ("30s" or "*/5 * * * *"), for output

  bool is_cron() const { return every_ms == 0; }
};

/// Exactly one of `every` and `cron` must be non-empty; on failure ec::bad_input
/// (both given, neither given, or the one given is invalid).
result<recurrence> parse_recurrence(std::string_view every, std::string_view cron);

/// The first fire time strictly after `after_ms`. For `every`, fire times are
/// anchor_ms + k * every_ms (k >= 1), so a late timer does not drift the
/// schedule; for cron, the anchor is not used. -1: never (cron only).
int64_t next_fire(const recurrence& r, int64_t anchor_ms, int64_t after_ms);

/// What happens to runs missed while the manager was down.
enum class catch_up_policy : uint8_t {
  none, ///< skip them all; the next run is the next fire time after now
  one,  ///< start one run now if at least one was missed
  all,  ///< start one run per missed fire time, at most max_catch_up_runs
};
const char* to_string(catch_up_policy p);
/// Accepts none, one, all; ec::bad_input naming the allowed ones otherwise.
result<catch_up_policy> parse_catch_up(std::string_view name);

/// The cap on runs started at once by catch_up: all. Older missed runs
/// beyond it are dropped (and counted in catch_up_plan::dropped).
constexpr size_t max_catch_up_runs = 100;

struct catch_up_plan {
  std::vector<int64_t> runs; ///< the missed fire times to start now, oldest first
  uint64_t missed = 0;       ///< fire times in (last_fire_ms, now_ms]
  uint64_t dropped = 0;      ///< missed but not started (policy or cap)
  int64_t next_ms = -1;      ///< the first fire time after now_ms
};

/// Missed fire times are those in (last_fire_ms, now_ms], where last_fire_ms
/// is the fire time of the last run started (or the anchor if none ran).
/// `all` keeps the newest `cap` of them.
catch_up_plan plan_catch_up(const recurrence& r, int64_t anchor_ms, int64_t last_fire_ms,
                            int64_t now_ms, catch_up_policy policy,
                            size_t cap = max_catch_up_runs);

} // namespace drover
