// Restart intensity: N restarts in T, counted on a sliding window.
#include <doctest/doctest.h>

#include "core/restart_window.hpp"

using drover::restart_window;

TEST_SUITE("restart window") {

TEST_CASE("N restarts within T are allowed, the next one is not") {
  restart_window w{3, 10'000};
  CHECK(w.allow(0));
  CHECK(w.allow(1'000));
  CHECK(w.allow(2'000));
  CHECK_FALSE(w.allow(9'999)); // a 4th within 10 s of the first
  CHECK(w.recent() == 3);
}

TEST_CASE("restarts older than T are forgiven") {
  restart_window w{3, 10'000};
  CHECK(w.allow(0));
  CHECK(w.allow(1'000));
  CHECK(w.allow(2'000));
  CHECK(w.allow(10'000)); // the first one left the window exactly now
  CHECK_FALSE(w.allow(10'500));
  CHECK(w.allow(12'000));
}

TEST_CASE("zero restarts allowed means give up at the first crash") {
  restart_window w{0, 10'000};
  CHECK_FALSE(w.allow(0));
}

} // TEST_SUITE
