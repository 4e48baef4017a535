#include "core/series.hpp"

#include <algorithm>

namespace drover {

double bucket_quantile(const std::vector<double>& bounds, const std::vector<uint64_t>& counts,
                       double q) {
  uint64_t total = 0;
  for (auto c : counts)
    total += c;
  if (total == 0 || bounds.empty())
    return -1;
  // The rank of the observation wanted (1-based), then the bucket holding it.
  double rank = std::max(1.0, q * static_cast<double>(total));
  uint64_t below = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0 || static_cast<double>(below + counts[i]) < rank) {
      below += counts[i];
      continue;
    }
    if (i >= bounds.size())
      return bounds.back(); // +Inf: the last finite bound is all we know
    double lo = i == 0 ? 0.0 : bounds[i - 1];
    double hi = bounds[i];
    double within = (rank - static_cast<double>(below)) / static_cast<double>(counts[i]);
    return lo + (hi - lo) * within;
  }
  return bounds.back();
}

void series_ring::sample(const series_input& in) {
  if (last_ && in.at_ms <= last_->at_ms)
    return;
  if (!last_) {
    last_ = in;
    return;
  }
  const auto& prev = *last_;
  double secs = static_cast<double>(in.at_ms - prev.at_ms) / 1000.0;
  auto delta = [](uint64_t now, uint64_t before) { return now >= before ? now - before : 0; };
  series_point p;
  p.at_ms = in.at_ms;
  p.completed_per_s = static_cast<double>(delta(in.succeeded, prev.succeeded)) / secs;
  p.failed_per_s = static_cast<double>(delta(in.failed, prev.failed)) / secs;
  p.depth = in.depth;
  p.inflight = in.inflight;
  std::vector<uint64_t> window(in.ack_buckets.size(), 0);
  for (std::size_t i = 0; i < window.size(); ++i) {
    window[i] = delta(in.ack_buckets[i], i < prev.ack_buckets.size() ? prev.ack_buckets[i] : 0);
    p.acks += window[i];
  }
  auto ms = [](double s) { return s < 0 ? -1.0 : s * 1000.0; };
  p.ack_p50_ms = ms(bucket_quantile(bounds_, window, 0.50));
  p.ack_p99_ms = ms(bucket_quantile(bounds_, window, 0.99));
  points_.push_back(p);
  if (points_.size() > capacity_)
    points_.pop_front();
  last_ = in;
}

std::vector<series_point> series_ring::since(int64_t since_ms) const {
  auto first = std::upper_bound(points_.begin(), points_.end(), since_ms,
                                [](int64_t t, const series_point& p) { return t < p.at_ms; });
  return {first, points_.end()};
}

std::optional<double> series_ring::completed_rate(int64_t now_ms, int64_t window_ms) const {
  double sum = 0;
  int n = 0;
  for (auto i = points_.rbegin(); i != points_.rend() && i->at_ms > now_ms - window_ms; ++i) {
    sum += i->completed_per_s;
    ++n;
  }
  if (n == 0)
    return std::nullopt;
  return sum / n;
}

void recent_rates::sample(int64_t now_ms, const std::vector<std::pair<job_id, uint64_t>>& done) {
  std::map<job_id, std::deque<seen>> next;
  for (auto& [job, count] : done) {
    auto& d = next[job];
    if (auto i = jobs_.find(job); i != jobs_.end())
      d = std::move(i->second);
    d.push_back(seen{now_ms, count});
    while (d.size() > 2 && d[1].at_ms <= now_ms - window_ms_)
      d.pop_front(); // keep one point at or before the window's start
  }
  jobs_ = std::move(next);
}

std::optional<double> recent_rates::rate(job_id job) const {
  auto i = jobs_.find(job);
  if (i == jobs_.end() || i->second.size() < 2)
    return std::nullopt;
  auto& first = i->second.front();
  auto& last = i->second.back();
  auto span = last.at_ms - first.at_ms;
  if (span < 2000)
    return std::nullopt;
  auto gained = last.done >= first.done ? last.done - first.done : 0;
  return static_cast<double>(gained) * 1000.0 / static_cast<double>(span);
}

} // namespace drover
