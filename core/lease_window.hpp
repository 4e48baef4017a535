// How many tasks the manager may lease one consumer at once: the `capacity`
// it runs at once plus its `prefetch`, tasks that wait at the consumer for a
// free slot. Across processes each message costs about the same whatever it
// carries, so while a consumer's tasks take microseconds a window of only
// `capacity` tasks means one round trip per `capacity` tasks, and the round
// trip sets the rate. Tasks waiting at a busy consumer cannot go to another
// that fell idle, so the prefetch counts only while the consumer's recent
// tasks are short: long tasks are sent as slots free, as without it.
// Pure: the manager passes in what it measured.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/errors.hpp"

namespace drover {

/// A consumer's own setting: `auto_prefetch` or a number of tasks.
constexpr int64_t auto_prefetch = -1;
/// The most a consumer may ask for: each waiting task is held in memory.
constexpr int64_t max_prefetch = 100'000;

/// Reads --prefetch: "auto" or a whole number of tasks from 0 to
/// max_prefetch; ec::bad_input saying what to write otherwise (the caller
/// names the flag or key).
[[nodiscard]] result<int64_t> parse_prefetch(std::string_view text);

/// The prefetch a consumer announces for `setting`: the number itself, or
/// for auto three times `capacity` (a window of four times what it runs, the
/// multiplier Celery's workers use by default), at most max_prefetch.
uint32_t prefetch_for(uint32_t capacity, int64_t setting);

/// parse_prefetch, then prefetch_for: what a consumer with `capacity` and
/// the --prefetch `text` announces.
[[nodiscard]] result<uint32_t> announced_prefetch(uint32_t capacity, std::string_view text);

/// Tasks shorter than this on average (run time reported by the consumer)
/// let the prefetch count. Above it a round trip of ~0.5 ms is a small part
/// of the work, and a task held back behind a long one waits most.
constexpr double short_task_us = 10'000;

/// A consumer's run times as a moving mean (1/8 per batch of reports).
class run_time_mean {
public:
  /// One batch of reports: their summed run time and their number.
  void add(uint64_t total_us, uint64_t count);
  /// The mean in µs; negative until the first report.
  double us() const { return mean_us_; }

private:
  double mean_us_ = -1;
};

/// The lease window: capacity + prefetch while the mean says the tasks are
/// short, else capacity alone (also before the first report).
uint32_t lease_window(uint32_t capacity, uint32_t prefetch, double mean_run_us);

} // namespace drover
