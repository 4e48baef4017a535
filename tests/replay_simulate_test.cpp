// drover simulate's pure parts (issue 7): --type parsing and the latency
// percentiles it prints.
#include <doctest/doctest.h>

#include "replay/simulate.hpp"

using namespace drover::replay;

TEST_SUITE("replay") {

TEST_CASE("simulate --type takes noop, sleep:MS and burn:US only") {
  std::string type, payload, why;
  CHECK(parse_sim_type("noop", type, payload, why));
  CHECK(type == "noop");
  CHECK(parse_sim_type("sleep:5", type, payload, why));
  CHECK((type == "sleep" && payload == "5"));
  CHECK(parse_sim_type("burn:200", type, payload, why));
  CHECK_FALSE(parse_sim_type("sleep:", type, payload, why));
  CHECK_FALSE(parse_sim_type("sleep:x", type, payload, why));
  CHECK_FALSE(parse_sim_type("noop:3", type, payload, why));
  CHECK_FALSE(parse_sim_type("fail:1", type, payload, why));
  CHECK(why == "--type must be noop, sleep:MS or burn:US, got 'fail:1'");
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
