// Leadership decisions (core/leadership) on plain numbers: when a standby
// leads, when a leader keeps leading, and when it must stop before its
// lease can expire on the database.
#include <doctest/doctest.h>

#include "core/epoch_guard.hpp"
#include "core/leader_address.hpp"
#include "core/leadership.hpp"

using namespace drover;

namespace {

lease_seen won(uint64_t epoch) { return lease_seen{true, true, epoch, "a:1 http://a:2", {}}; }
lease_seen other(uint64_t epoch) { return lease_seen{true, false, epoch, "b:1 http://b:2", {}}; }
lease_seen unreachable() { return lease_seen{false, false, 0, {}, "connection refused"}; }

} // namespace

TEST_SUITE("leadership") {

TEST_CASE("a standby that wins the lease leads with its epoch from the attempt's start") {
  leadership l;
  lease_timing t;
  auto v = judge_attempt(l, won(7), 1000, 1020, t);
  CHECK(v.step == lease_step::lead);
  CHECK(l.leading);
  CHECK(l.epoch == 7);
  CHECK(l.renewed_at_ms == 1000);
  CHECK(local_deadline_ms(l, t) == 1000 + 1000 - 250);
}

TEST_CASE("a standby that sees another holder stands by and remembers the leader") {
  leadership l;
  lease_timing t;
  auto v = judge_attempt(l, other(3), 0, 5, t);
  CHECK(v.step == lease_step::stand_by);
  CHECK_FALSE(l.leading);
  CHECK(l.leader_address == "b:1 http://b:2");
  CHECK(judge_attempt(l, unreachable(), 100, 105, t).step == lease_step::stand_by);
}

TEST_CASE("a win that came back after its own local deadline does not lead") {
  leadership l;
  lease_timing t;
  CHECK(judge_attempt(l, won(2), 0, 750, t).step == lease_step::stand_by);
  CHECK_FALSE(l.leading);
  CHECK(judge_attempt(l, won(2), 800, 810, t).step == lease_step::lead);
}

TEST_CASE("renewals move the local deadline, and a failed attempt before it keeps leading") {
  leadership l;
  lease_timing t;
  REQUIRE(judge_attempt(l, won(1), 0, 10, t).step == lease_step::lead);
  CHECK(judge_attempt(l, won(1), 250, 260, t).step == lease_step::keep_leading);
  CHECK(l.renewed_at_ms == 250);
  CHECK(judge_attempt(l, unreachable(), 500, 510, t).step == lease_step::keep_leading);
  CHECK(l.renewed_at_ms == 250); // a failed attempt renews nothing
  CHECK_FALSE(past_deadline(l, 999, t));
  CHECK(past_deadline(l, 1000, t)); // 250 + 1000 - 250
  auto v = judge_attempt(l, unreachable(), 750, 1000, t);
  CHECK(v.step == lease_step::step_down);
  CHECK(v.why.find("connection refused") != std::string::npos);
}

TEST_CASE("the local deadline falls before the database's expiry by the margin") {
  leadership l;
  lease_timing t{1000, 250, 100, 300};
  REQUIRE(judge_attempt(l, won(1), 100, 110, t).step == lease_step::lead);
  // The database keeps the lease until at least 100 + 1000 (stamped after
  // the attempt started); the leader stops at 800 without a renewal.
  CHECK(local_deadline_ms(l, t) == 800);
  CHECK(local_deadline_ms(l, t) < 100 + t.ttl_ms);
}

TEST_CASE("a leader that finds another epoch or holder steps down at once") {
  lease_timing t;
  leadership a;
  REQUIRE(judge_attempt(a, won(4), 0, 1, t).step == lease_step::lead);
  auto v = judge_attempt(a, other(5), 250, 251, t);
  CHECK(v.step == lease_step::step_down);
  CHECK(a.leader_address == "b:1 http://b:2");
  leadership b;
  REQUIRE(judge_attempt(b, won(4), 0, 1, t).step == lease_step::lead);
  // Lost and won back between two attempts: the store is fenced with 4.
  CHECK(judge_attempt(b, won(6), 250, 251, t).step == lease_step::step_down);
}

TEST_CASE("a renewal that took past the deadline steps down even though it succeeded") {
  leadership l;
  lease_timing t;
  REQUIRE(judge_attempt(l, won(1), 0, 1, t).step == lease_step::lead);
  CHECK(judge_attempt(l, won(1), 250, 1000, t).step == lease_step::step_down);
}

TEST_CASE("leaders renew every renew_every_ms, standbys look every standby_every_ms") {
  lease_timing t;
  leadership standby;
  CHECK(next_attempt_in_ms(standby, 1000, 1030, t) == 70);
  leadership leader{true, 1, 1000, {}};
  CHECK(next_attempt_in_ms(leader, 1000, 1030, t) == 220);
  CHECK(next_attempt_in_ms(leader, 1000, 1400, t) == 0); // late: at once
}

} // TEST_SUITE

TEST_SUITE("leader_address") {

TEST_CASE("the lease row's address round-trips both addresses") {
  auto text = encode_leader_address({"127.0.0.2:4700", "http://127.0.0.2:8080"});
  auto back = decode_leader_address(text);
  CHECK(back.registry == "127.0.0.2:4700");
  CHECK(back.http == "http://127.0.0.2:8080");
  auto no_rest = decode_leader_address(encode_leader_address({"h:1", ""}));
  CHECK(no_rest.registry == "h:1");
  CHECK(no_rest.http.empty());
}

TEST_CASE("a row text drover did not write gives no address") {
  CHECK(decode_leader_address("").registry.empty());
  CHECK(decode_leader_address("garbage").registry.empty());
  CHECK(decode_leader_address("h:1 ftp://x").http.empty());
}

TEST_CASE("a standby's refusal names the leader so members can follow it") {
  auto text = "drover: not_leader: " + not_leader_text("127.0.0.3:4701");
  CHECK(leader_in_refusal(text) == "127.0.0.3:4701");
  CHECK(leader_in_refusal(not_leader_text("")).empty());
  CHECK(leader_in_refusal("drover: unreachable: nothing").empty());
}

} // TEST_SUITE

TEST_SUITE("epoch_guard") {

TEST_CASE("assignments from an older epoch are refused once a newer one was seen") {
  epoch_guard g;
  CHECK(g.admit(5));                              // epoch 1
  CHECK(g.admit(lease_floor_of(3) + 9));          // epoch 3
  CHECK(g.highest() == 3);
  CHECK_FALSE(g.admit(lease_floor_of(2) + 100));  // a deposed leader of epoch 2
  CHECK(g.admit(lease_floor_of(3) + 10));         // the same leader goes on
  CHECK(epoch_of_lease(lease_floor_of(7)) == 7);
  CHECK(lease_floor_of(0) == 0);
  CHECK(lease_floor_of(1) == 0);
}

TEST_CASE("aborts are judged by the sender's epoch, on the same scale as assignments") {
  epoch_guard g;
  CHECK(g.admit(lease_floor_of(2) + 1));          // an assignment of epoch 2
  CHECK_FALSE(g.admit_epoch(1));                  // an abort of the deposed epoch 1
  CHECK(g.admit_epoch(2));
  CHECK(g.admit_epoch(4));                        // a newer leader's abort raises the bar
  CHECK(g.highest() == 4);
  CHECK_FALSE(g.admit(lease_floor_of(3) + 1));    // so epoch 3 can no longer assign
  CHECK(epoch_of_floor(lease_floor_of(4)) == 4);
  CHECK(epoch_of_floor(0) == 1);                  // a manager of epoch 0 or 1 sends 1
}

} // TEST_SUITE
