// The time series on its own: rates from counter differences, quantiles of
// one interval's ACK latencies, the 15-minute ring, and a job's recent rate.
#include <doctest/doctest.h>

#include "core/series.hpp"

using namespace drover;

namespace {

const std::vector<double> bounds{0.001, 0.01, 0.1, 1.0};

series_input at(int64_t ms, uint64_t ok, uint64_t bad, std::vector<uint64_t> acks = {0, 0, 0, 0, 0}) {
  series_input in;
  in.at_ms = ms;
  in.succeeded = ok;
  in.failed = bad;
  in.depth = {1, 2, 3};
  in.inflight = 4;
  in.ack_buckets = std::move(acks);
  return in;
}

} // namespace

TEST_SUITE("series") {

TEST_CASE("quantiles interpolate inside the bucket, none without observations") {
  CHECK(bucket_quantile(bounds, {0, 0, 0, 0, 0}, 0.5) == -1);
  // 10 observations, all in (0.001, 0.01]: the median is half way.
  CHECK(bucket_quantile(bounds, {0, 10, 0, 0, 0}, 0.5) == doctest::Approx(0.0055));
  // 99 fast, 1 slow: p50 in the first bucket, p99 at its top, the slow one above.
  CHECK(bucket_quantile(bounds, {99, 0, 0, 1, 0}, 0.5) < 0.001);
  CHECK(bucket_quantile(bounds, {99, 0, 0, 1, 0}, 0.99) == doctest::Approx(0.001));
  CHECK(bucket_quantile(bounds, {0, 0, 0, 0, 5}, 0.99) == 1.0); // +Inf: the last bound
}

TEST_CASE("the first sample is the baseline, rates are differences per second") {
  series_ring r{bounds};
  r.sample(at(1000, 100, 5));
  CHECK(r.size() == 0);
  r.sample(at(2000, 150, 5, {0, 4, 0, 0, 0}));
  r.sample(at(4000, 250, 9, {0, 4, 0, 0, 0}));
  auto pts = r.since(0);
  REQUIRE(pts.size() == 2);
  CHECK(pts[0].completed_per_s == doctest::Approx(50));
  CHECK(pts[0].failed_per_s == 0);
  CHECK(pts[0].acks == 4);
  CHECK(pts[0].ack_p50_ms == doctest::Approx(5.5));
  CHECK(pts[1].completed_per_s == doctest::Approx(50)); // 100 over 2 s
  CHECK(pts[1].failed_per_s == doctest::Approx(2));
  CHECK(pts[1].acks == 0);
  CHECK(pts[1].ack_p99_ms == -1); // no ACK in that interval
  CHECK(pts[1].depth[2] == 3);
  CHECK(pts[1].inflight == 4);
  CHECK(r.since(2000).size() == 1);
  CHECK(r.since(4000).empty());
}

TEST_CASE("a sample not after the last is ignored, counters that go back read as 0") {
  series_ring r{bounds};
  r.sample(at(1000, 100, 0));
  r.sample(at(1000, 500, 0));
  CHECK(r.size() == 0);
  r.sample(at(2000, 50, 0));
  REQUIRE(r.size() == 1);
  CHECK(r.since(0)[0].completed_per_s == 0);
}

TEST_CASE("the ring keeps the last `capacity` points, the recent rate averages a window") {
  series_ring r{bounds, 900};
  for (int s = 0; s <= 1000; ++s)
    r.sample(at(s * 1000, static_cast<uint64_t>(s) * (s > 970 ? 0 : 10), 0));
  CHECK(r.size() == 900);
  CHECK(r.since(0).front().at_ms == 101000);
  CHECK_FALSE(series_ring{bounds}.completed_rate(0, 30000));
}

TEST_CASE("a job's recent rate follows the last 30 s, not the average since the start") {
  recent_rates rates{30000};
  // 100 tasks/s for a minute, then 10 tasks/s.
  uint64_t done = 0;
  for (int s = 0; s <= 120; ++s) {
    rates.sample(s * 1000, {{7, done}});
    done += s < 60 ? 100 : 10;
  }
  REQUIRE(rates.rate(7));
  CHECK(*rates.rate(7) == doctest::Approx(10).epsilon(0.05));
  CHECK_FALSE(rates.rate(8));
  rates.sample(121000, {}); // the job finished: forgotten
  CHECK_FALSE(rates.rate(7));
  recent_rates young;
  young.sample(0, {{1, 0}});
  young.sample(1000, {{1, 50}});
  CHECK_FALSE(young.rate(1)); // under 2 s seen: not known yet
}

}
