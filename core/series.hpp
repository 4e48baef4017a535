// The manager's recent history at 1 s resolution, for the dashboard's
// graphs: tasks completed and failed per second, queue depth per priority,
// tasks in flight and the ACK latency p50/p99 of each second, in a ring of
// the last 15 minutes. The caller reads its cumulative counters once a
// second (on the manager's own timer) and hands them in; rates and the
// per-second latency quantiles come from the differences. Pure, time passed in.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "core/task.hpp"

namespace drover {

/// What the manager reads at one tick: counters since start and gauges now.
struct series_input {
  int64_t at_ms = 0;
  uint64_t succeeded = 0;          ///< attempts that succeeded, since start
  uint64_t failed = 0;             ///< attempts that failed or timed out, retried ones too
  std::array<uint64_t, priority_count> depth{}; ///< queued per priority now
  uint64_t inflight = 0;           ///< tasks ASSIGNED or RUNNING now
  std::vector<uint64_t> ack_buckets; ///< ACK latency counts per bucket since start
};

/// One second of history.
struct series_point {
  int64_t at_ms = 0;
  double completed_per_s = 0;
  double failed_per_s = 0;
  std::array<uint64_t, priority_count> depth{};
  uint64_t inflight = 0;
  uint64_t acks = 0;               ///< ACKs in this interval
  double ack_p50_ms = -1;          ///< -1: no ACK in this interval
  double ack_p99_ms = -1;
};

/// The `q` quantile (0..1) in seconds of a histogram with upper bounds
/// `bounds` (ascending, seconds) and `counts` per bucket (one more than
/// bounds: the last is +Inf), interpolated linearly inside the bucket it
/// falls in; the +Inf bucket answers the last bound. -1 if no observations.
double bucket_quantile(const std::vector<double>& bounds, const std::vector<uint64_t>& counts,
                       double q);

class series_ring {
public:
  /// `bounds`: the ACK latency histogram's upper bounds in seconds.
  explicit series_ring(std::vector<double> bounds, std::size_t capacity = 900)
    : bounds_(std::move(bounds)), capacity_(capacity ? capacity : 1) {}

  /// Records the interval since the previous sample; the first one only
  /// sets the baseline. A sample not later than the previous is ignored.
  void sample(const series_input& in);
  /// Points with at_ms > since_ms, oldest first.
  std::vector<series_point> since(int64_t since_ms) const;
  /// Completed tasks per second over the points of the last `window_ms`
  /// before `now_ms`; nullopt with none.
  std::optional<double> completed_rate(int64_t now_ms, int64_t window_ms) const;
  std::size_t size() const { return points_.size(); }
  std::size_t capacity() const { return capacity_; }

private:
  std::vector<double> bounds_;
  std::size_t capacity_;
  std::deque<series_point> points_;
  std::optional<series_input> last_;
};

/// Each unfinished job's rate over the last `window_ms` (finished tasks per
/// second), for an ETA that follows what happens now rather than the
/// average since the start. Fed once a second with every unfinished job's
/// finished-task count; a job missing from a sample is forgotten.
class recent_rates {
public:
  explicit recent_rates(int64_t window_ms = 30000) : window_ms_(window_ms) {}
  void sample(int64_t now_ms, const std::vector<std::pair<job_id, uint64_t>>& done);
  /// Tasks per second over the window, once the job was seen for at least
  /// 2 s; nullopt before that or for a job not sampled.
  std::optional<double> rate(job_id job) const;

private:
  struct seen {
    int64_t at_ms;
    uint64_t done;
  };
  int64_t window_ms_;
  std::map<job_id, std::deque<seen>> jobs_;
};

} // namespace drover
