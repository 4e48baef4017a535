// drover simulate's pure parts: --type parsing and the latency
// percentiles it prints.
#include <doctest/doctest.h>

#include "replay/simulate.hpp"

using namespace drover::replay;

TEST_SUITE("replay") {

TEST_CASE("simulate --type takes noop, sleep:MS and burn:US only") {
  auto noop = parse_sim_type("noop");
  REQUIRE(noop);
  CHECK(noop->type == "noop");
  auto sleep = parse_sim_type("sleep:5");
  REQUIRE(sleep);
  CHECK((sleep->type == "sleep" && sleep->payload == "5"));
  CHECK(parse_sim_type("burn:200"));
  CHECK_FALSE(parse_sim_type("sleep:"));
  CHECK_FALSE(parse_sim_type("sleep:x"));
  CHECK_FALSE(parse_sim_type("noop:3"));
  auto fail = parse_sim_type("fail:1");
  REQUIRE_FALSE(fail);
  CHECK(fail.err().message == "--type must be noop, sleep:MS or burn:US, got 'fail:1'");
}

TEST_CASE("latency percentiles are nearest-rank over the sorted samples") {
  std::vector<int64_t> ms;
  for (int64_t i = 100; i >= 1; --i)
    ms.push_back(i);
  auto s = summarize(ms);
  CHECK(s.count == 100);
  CHECK(s.p50 == 50);
  CHECK(s.p90 == 90);
  CHECK(s.p99 == 99);
  CHECK(s.max == 100);
  CHECK(summarize({}).count == 0);
  CHECK(summarize({7}).p50 == 7);
}

} // TEST_SUITE

// -- simulate --processes ------------------------------------------------------

#include <chrono>
#include <string>

#include "tests/support/process.hpp"

TEST_SUITE("replay") {

TEST_CASE("percentiles from a Prometheus histogram are bucket upper bounds in ms") {
  std::string text = "# TYPE drover_ack_latency_seconds histogram\n"
                     "drover_ack_latency_seconds_bucket{le=\"0.001\"} 40\n"
                     "drover_ack_latency_seconds_bucket{le=\"0.0025\"} 90\n"
                     "drover_ack_latency_seconds_bucket{le=\"5\"} 99\n"
                     "drover_ack_latency_seconds_bucket{le=\"+Inf\"} 100\n"
                     "drover_ack_latency_seconds_sum 0.2\n"
                     "drover_ack_latency_seconds_count 100\n";
  auto b = histogram_percentiles(text, "drover_ack_latency_seconds");
  REQUIRE(b);
  CHECK(b->count == 100);
  CHECK(b->p50 == doctest::Approx(2.5));
  CHECK(b->p90 == doctest::Approx(2.5));
  CHECK(b->p99 == doctest::Approx(5000));
  text.replace(text.find("} 100"), 5, "} 200"); // 1% now beyond the last bound
  b = histogram_percentiles(text, "drover_ack_latency_seconds");
  REQUIRE(b);
  CHECK(b->p99 == latency_buckets::infinite);
  CHECK_FALSE(histogram_percentiles("nothing here\n", "drover_ack_latency_seconds"));
}

TEST_CASE("simulate --processes runs every node as its own drover process") {
  drover::testing::scratch_dir dir;
  drover::testing::child_process sim{{DROVER_BINARY, "simulate", "--processes", "--consumers=2",
                                      "--producers=2", "--tasks=4000", "--time-limit=60"},
                                     dir.path + "/sim"};
  int code = sim.wait(std::chrono::seconds(90)); // generous: CI runs tests two at a time
  INFO(sim.out());
  INFO(sim.err());
  REQUIRE(code == 0);
  auto out = sim.out();
  CHECK(out.find("4000 tasks (noop) on 2 consumer processes, 2 producer processes: all succeeded")
        != std::string::npos);
  CHECK(out.find("throughput: ") != std::string::npos);
  CHECK(out.find("  p1: throughput: ") != std::string::npos); // the producers' own lines
  CHECK(out.find("  p2: throughput: ") != std::string::npos);
  CHECK(out.find("executed (consumers' own counts): 4000 (c1 ") != std::string::npos);
  CHECK(out.find("assignment -> ACK, all 4000 ACKs") != std::string::npos);
  CHECK(out.find("measured on 1000 of 4000 tasks only") != std::string::npos);
}

} // TEST_SUITE
