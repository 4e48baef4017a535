// The packed batches of core/wire_codec: every field survives the round
// trip, repeated text is sent once, and a truncated or hostile byte string
// is refused with a clear error instead of read past its end.
#include <doctest/doctest.h>

#include <random>

#include "core/wire_codec.hpp"

using namespace drover;

namespace {

task_spec spec(std::string type, std::string payload = {}) {
  task_spec s;
  s.type = type;
  s.payload = payload;
  return s;
}

bool same(const task_spec& a, const task_spec& b) {
  return a.type == b.type && a.payload == b.payload && a.prio == b.prio && a.key == b.key
         && a.tags == b.tags && a.dedupe_key == b.dedupe_key && a.timeout_ms == b.timeout_ms
         && a.max_attempts == b.max_attempts;
}

bool same(const assignment& a, const assignment& b) {
  return a.id == b.id && a.lease == b.lease && a.attempt == b.attempt
         && a.timeout_ms == b.timeout_ms && a.type == b.type && a.payload == b.payload;
}

bool same(const task_report& a, const task_report& b) {
  return a.id == b.id && a.lease == b.lease && a.outcome == b.outcome && a.result == b.result
         && a.run_us == b.run_us && a.retryable == b.retryable && a.log == b.log;
}

template <class T>
void check_same(const std::vector<T>& got, const std::vector<T>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(same(got[i], want[i]));
  }
}

std::vector<task_spec> mixed_specs() {
  std::vector<task_spec> v{spec("noop"), spec("noop"), spec("echo", "hello world, a payload")};
  auto s = spec("a-type-name-longer-than-inline", std::string(3000, 'x'));
  s.prio = priority::low;
  s.key = "user-17";
  s.tags = {"gpu", "", "eu-west"};
  s.dedupe_key = "d1";
  s.timeout_ms = 4000000000u;
  s.max_attempts = 7;
  v.push_back(s);
  v.push_back(s);
  s.prio = priority::high; // same type, different priority
  v.push_back(s);
  v.push_back(spec("noop"));
  return v;
}

std::vector<assignment> mixed_assignments() {
  return {assignment{100, 5000, 1, 0, "noop", ""}, assignment{101, 5001, 1, 0, "noop", ""},
          assignment{99, 4000, 3, 0, "noop", "p"}, // ids and leases may go down
          assignment{~uint64_t{0}, ~uint64_t{0}, 4000000000u, 60000, "echo", std::string(70000, 'y')},
          assignment{0, 0, 1, 60000, "", ""}};
}

std::vector<task_report> mixed_reports() {
  std::vector<task_report> v;
  v.push_back(task_report{7, 70, task_outcome::succeeded, "", 3});
  v.push_back(task_report{8, 71, task_outcome::failed, "exit code 3", 4000000000u, false,
                          "stderr tail\n"});
  v.push_back(task_report{2, 1, task_outcome::timed_out, "", 0});
  v.push_back(task_report{~uint64_t{0}, 0, task_outcome::succeeded, std::string(5000, 'r'), 1});
  return v;
}

} // namespace

TEST_SUITE("wire codec") {

TEST_CASE("every field of specs, assignments and reports survives the round trip") {
  auto specs = mixed_specs();
  auto s = unpack_specs(pack_specs(specs));
  REQUIRE(s);
  check_same(*s, specs);
  auto as = mixed_assignments();
  auto a = unpack_assignments(pack_assignments(as));
  REQUIRE(a);
  check_same(*a, as);
  auto rs = mixed_reports();
  auto r = unpack_reports(pack_reports(rs));
  REQUIRE(r);
  check_same(*r, rs);
}

TEST_CASE("empty batches round-trip") {
  CHECK(unpack_specs(pack_specs({}))->empty());
  CHECK(unpack_assignments(pack_assignments({}))->empty());
  CHECK(unpack_reports(pack_reports({}))->empty());
}

TEST_CASE("a batch of identical noop tasks costs a few bytes per task") {
  std::vector<task_spec> list(8192, spec("noop"));
  CHECK(pack_specs(list).size() < 8192 + 32); // one byte per repeated spec
  std::vector<assignment> batch;
  std::vector<task_report> reports;
  for (uint64_t i = 0; i < 256; ++i) {
    batch.push_back(assignment{1000000 + i, 3000000 + 2 * i, 1, 60000, "noop", ""});
    reports.push_back(task_report{1000000 + i, 3000000 + 2 * i, task_outcome::succeeded, "", 1});
  }
  CHECK(pack_assignments(batch).size() < 256 * 4 + 32);
  CHECK(pack_reports(reports).size() < 256 * 5 + 32);
  auto back = unpack_assignments(pack_assignments(batch));
  REQUIRE(back);
  check_same(*back, batch);
}

TEST_CASE("every truncation of a packed batch is refused, never read past its end") {
  auto specs = pack_specs(mixed_specs());
  auto as = pack_assignments(mixed_assignments());
  auto rs = pack_reports(mixed_reports());
  for (size_t n = 0; n < specs.size(); n += 1 + n / 50)
    CHECK_FALSE(unpack_specs(std::string_view{specs}.substr(0, n)));
  for (size_t n = 0; n < as.size(); n += 1 + n / 50)
    CHECK_FALSE(unpack_assignments(std::string_view{as}.substr(0, n)));
  for (size_t n = 0; n < rs.size(); n += 1 + n / 50)
    CHECK_FALSE(unpack_reports(std::string_view{rs}.substr(0, n)));
}

TEST_CASE("hostile byte strings get an error that says what is wrong") {
  // A count far beyond the bytes: refused before anything is reserved.
  std::string huge = "\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  auto a = unpack_assignments(huge);
  REQUIRE_FALSE(a);
  CHECK(a.err().code == ec::bad_input);
  CHECK(a.err().message.find("items in") != std::string::npos);
  // A first item that refers to a previous one.
  auto s = unpack_specs(std::string{"\x01\x01", 2});
  REQUIRE_FALSE(s);
  CHECK(s.err().message.find("previous") != std::string::npos);
  // An outcome that does not exist, a priority that does not exist.
  auto r = unpack_reports(std::string{"\x01\x03\x02\x02\x00", 5});
  REQUIRE_FALSE(r);
  CHECK(r.err().message.find("outcome") != std::string::npos);
  auto p = unpack_specs(std::string{"\x01\xc0\x00\x01\x04noop", 8});
  REQUIRE_FALSE(p);
  CHECK(p.err().message.find("priority") != std::string::npos);
  // Bytes after the last item, a number wider than 64 bits, a 32-bit overflow.
  CHECK_FALSE(unpack_reports(pack_reports(mixed_reports()) + "x"));
  CHECK_FALSE(unpack_reports(std::string{"\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x00\x00", 14}));
  CHECK_FALSE(unpack_reports(std::string{"\x01\x00\x02\x02\xff\xff\xff\xff\x7f", 9}));
}

TEST_CASE("whatever random bytes decode to packs and decodes to the same again") {
  std::mt19937 rng{23};
  int decoded = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes(rng() % 64, '\0');
    for (auto& c : bytes)
      c = static_cast<char>(rng());
    if (!bytes.empty())
      bytes[0] = static_cast<char>(rng() % 4); // a small count: the items get parsed
    if (auto s = unpack_specs(bytes)) {
      ++decoded;
      auto again = unpack_specs(pack_specs(*s));
      REQUIRE(again);
      check_same(*again, *s);
    }
    if (auto a = unpack_assignments(bytes)) {
      ++decoded;
      auto again = unpack_assignments(pack_assignments(*a));
      REQUIRE(again);
      check_same(*again, *a);
    }
    if (auto r = unpack_reports(bytes)) {
      ++decoded;
      auto again = unpack_reports(pack_reports(*r));
      REQUIRE(again);
      check_same(*again, *r);
    }
  }
  CHECK(decoded > 0); // some inputs did parse: the property was exercised
}

}
