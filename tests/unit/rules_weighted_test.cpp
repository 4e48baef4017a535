// The `weighted` strategy's tunable weights (rules/rule_set.hpp
// strategy_weights): parsing with positioned errors, and how the exponents
// shift work between a busy fast member and an idle slow one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rules/assign.hpp"
#include "rules_test_support.hpp"

using namespace drover;

namespace {

std::string problems_of(const std::string& yaml) {
  return parse_rules(yaml, "t.yaml").err().message;
}

/// n tasks of type t assigned one by one; each stays in flight.
std::vector<uint32_t> spread(const std::string& yaml, int n, double slow_ms,
                             double fast_ms) {
  assigner a;
  a.use(rules_from(yaml));
  auto cs = members(2, {}, 1000);
  a.record_run("c1", "t", slow_ms);
  a.record_run("c2", "t", fast_ms);
  for (int i = 0; i < n; ++i) {
    auto c = a.choose(make_task("t"), cs);
    REQUIRE(c.status == choice_status::chosen);
    cs[c.index].inflight++;
  }
  return {cs[0].inflight, cs[1].inflight};
}

std::string weighted(const std::string& weights) {
  return "version: 1\ndefaults: { strategy: weighted, max_inflight_per_consumer: 1000, "
         "weights: " + weights + " }\n";
}

} // namespace

TEST_CASE("weights are read into the defaults and inherited by rules") {
  auto rs = rules_from("version: 1\n"
                       "defaults: { strategy: weighted, weights: { busyness: 0.5 } }\n"
                       "rules:\n"
                       "  - name: a\n"
                       "  - name: b\n"
                       "    weights: { efficiency: 2 }\n");
  CHECK(rs->default_weights.busyness == 0.5);
  CHECK(rs->default_weights.efficiency == 1.0);
  CHECK(rs->rules[0].weights.busyness == 0.5);
  CHECK(rs->rules[1].weights.busyness == 0.5);
  CHECK(rs->rules[1].weights.efficiency == 2.0);
  auto plain = rules_from("version: 1\ndefaults: { strategy: weighted }\n");
  CHECK(plain->default_weights.busyness == 1.0);
  CHECK(plain->default_weights.efficiency == 1.0);
}

TEST_CASE("bad weights are rejected at their position with what to write") {
  CHECK(problems_of("version: 1\ndefaults: { strategy: weighted, weights: { busyness: x } }\n")
        == "t.yaml:2:54: weight 'busyness' must be a number from 0 to 10 (e.g. 0.5), got 'x'");
  CHECK(problems_of("version: 1\ndefaults: { strategy: weighted, weights: { efficiency: -1 } }\n")
        == "t.yaml:2:56: weight 'efficiency' must be a number from 0 to 10 (e.g. 0.5), got '-1'");
  CHECK(problems_of("version: 1\ndefaults: { strategy: weighted, weights: { busyness: 11 } }\n")
        == "t.yaml:2:54: weight 'busyness' must be a number from 0 to 10 (e.g. 0.5), got '11'");
  CHECK(problems_of("version: 1\ndefaults: { strategy: weighted, weights: { speed: 1 } }\n")
        == "t.yaml:2:44: unknown key 'speed' in 'weights' (allowed: busyness, efficiency)");
  CHECK(problems_of("version: 1\ndefaults: { strategy: weighted, weights: 3 }\n")
        == "t.yaml:2:42: 'weights' must be a mapping with keys: busyness, efficiency");
  CHECK(problems_of("version: 1\ndefaults: { strategy: weighted, "
                    "weights: { busyness: 0, efficiency: 0 } }\n")
        == "t.yaml:2:42: 'weights' cannot both be 0 (use round_robin to ignore load "
           "and speed)");
  CHECK(problems_of("version: 1\nrules:\n  - name: a\n    strategy: fastest\n"
                    "    weights: { busyness: 1 }\n")
        == "t.yaml:5:5: 'weights' is only used by strategy weighted (this strategy is "
           "fastest)");
  CHECK(problems_of("version: 1\ndefaults: { weights: { busyness: 1 } }\n")
        == "t.yaml:2:13: 'weights' is only used by strategy weighted (this strategy is "
           "least_loaded)");
}

TEST_CASE("weighted with default weights: a 4x slower member gets 1/5 of the work") {
  // score = load * time: c1 10 ms, c2 2.5 ms.
  auto got = spread(weighted("{ busyness: 1, efficiency: 1 }"), 100, 10, 2.5);
  CHECK(got == std::vector<uint32_t>{20, 80});
}

TEST_CASE("efficiency 0 ignores speed (least loaded), busyness 0 ignores load (fastest)") {
  auto even = spread(weighted("{ busyness: 1, efficiency: 0 }"), 100, 10, 2.5);
  CHECK(even == std::vector<uint32_t>{50, 50});
  auto all_fast = spread(weighted("{ busyness: 0, efficiency: 1 }"), 100, 10, 2.5);
  CHECK(all_fast == std::vector<uint32_t>{0, 100});
}

TEST_CASE("a higher efficiency weight moves more work to the fast member") {
  // score = load * time^2: the balance is load_fast / load_slow = 16.
  auto got = spread(weighted("{ busyness: 1, efficiency: 2 }"), 170, 10, 2.5);
  CHECK(got == std::vector<uint32_t>{10, 160});
  // Half the efficiency weight: the ratio is sqrt(4) = 2.
  auto half = spread(weighted("{ busyness: 1, efficiency: 0.5 }"), 90, 10, 2.5);
  CHECK(half == std::vector<uint32_t>{30, 60});
}

TEST_CASE("weighted ties are broken the same way every time") {
  auto a = spread(weighted("{ busyness: 1, efficiency: 1 }"), 7, 5, 5);
  auto b = spread(weighted("{ busyness: 1, efficiency: 1 }"), 7, 5, 5);
  CHECK(a == b);
  CHECK(a[0] + a[1] == 7);
  CHECK((a[0] == 4 || a[0] == 3));
}
