// A producer run's identity (core/job_identity): the same group, job and
// run always name the same run; different ones never collide.
#include <doctest/doctest.h>

#include "core/job_identity.hpp"

using namespace drover;

TEST_SUITE("job identity") {

TEST_CASE("group, job and run key name the run, and the same flags give the same identity") {
  CHECK(job_origin("etl", "nightly", "", "") == "etl/nightly");
  CHECK(job_origin("etl", "nightly", "2026-12-06", "") == "etl/nightly@2026-12-06");
  CHECK(job_origin("etl", "nightly", "2026-12-06", "")
        == job_origin("etl", "nightly", "2026-12-06", ""));
  CHECK(job_origin("etl", "nightly", "2026-12-06", "")
        != job_origin("etl", "nightly", "2026-12-07", ""));
}

TEST_CASE("an explicit idempotency key is the identity, verbatim") {
  CHECK(job_origin("etl", "nightly", "x", "order-42") == "order-42");
}

TEST_CASE("separators inside the parts cannot make two runs look alike") {
  CHECK(job_origin("a/b", "c", "", "") != job_origin("a", "b/c", "", ""));
  CHECK(job_origin("a", "b@c", "", "") != job_origin("a", "b", "c", ""));
  CHECK(job_origin("a", "b%40c", "", "") != job_origin("a", "b@c", "", ""));
}

} // TEST_SUITE
