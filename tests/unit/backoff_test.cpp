// The one backoff decision (core/backoff): exponential waits with a cap and
// an optional deadline, time passed in.
#include <doctest/doctest.h>

#include "core/backoff.hpp"

using namespace drover;
using namespace std::chrono_literals;

TEST_SUITE("backoff") {

TEST_CASE("waits double from the first up to the cap and stay there") {
  backoff_policy p{50ms, 500ms, 0ms};
  CHECK(backoff_delay(p, 0) == 0ms);
  CHECK(backoff_delay(p, 1) == 50ms);
  CHECK(backoff_delay(p, 2) == 100ms);
  CHECK(backoff_delay(p, 3) == 200ms);
  CHECK(backoff_delay(p, 4) == 400ms);
  CHECK(backoff_delay(p, 5) == 500ms);
  CHECK(backoff_delay(p, 1'000'000) == 500ms); // no overflow after a long outage
}

TEST_CASE("a cap below the first wait never shortens the first wait") {
  backoff_policy p{300ms, 100ms, 0ms};
  CHECK(backoff_delay(p, 1) == 300ms);
  CHECK(backoff_delay(p, 7) == 300ms);
}

TEST_CASE("without a deadline the caller never gives up") {
  backoff_policy p{50ms, 500ms, 0ms};
  auto d = next_retry(p, 40, 0, 86'400'000);
  CHECK_FALSE(d.give_up);
  CHECK(d.wait == 500ms);
}

TEST_CASE("with a deadline the last wait ends on it and the next decision gives up") {
  backoff_policy p{100ms, 1000ms, 2000ms};
  auto d = next_retry(p, 1, 10'000, 10'000);
  CHECK_FALSE(d.give_up);
  CHECK(d.wait == 100ms);
  d = next_retry(p, 5, 10'000, 11'700); // 1000 ms due, 300 ms left
  CHECK_FALSE(d.give_up);
  CHECK(d.wait == 300ms);
  d = next_retry(p, 6, 10'000, 11'999);
  CHECK_FALSE(d.give_up);
  CHECK(d.wait == 1ms);
  d = next_retry(p, 7, 10'000, 12'000);
  CHECK(d.give_up);
}

TEST_CASE("a long wait is logged at failures 1, 2, 4, 8 and so on") {
  CHECK_FALSE(worth_logging(0));
  CHECK(worth_logging(1));
  CHECK(worth_logging(2));
  CHECK_FALSE(worth_logging(3));
  CHECK(worth_logging(4));
  CHECK_FALSE(worth_logging(6));
  CHECK(worth_logging(1024));
}

} // TEST_SUITE
