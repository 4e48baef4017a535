// Pure pieces of multi-user data scheduling: ids, header parsing, the
// retry backoff, the node's durable user queue and the courier's store.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "core/data.hpp"
#include "store/data_store.hpp"
#include "store/user_queue.hpp"
#include "tests/unit/result_support.hpp"

using namespace drover;
using namespace std::chrono_literals;

namespace {

data_item item(uint64_t seq, uint64_t user, uint64_t sender = 1) {
  data_item it;
  it.seq = seq;
  it.id = format_delivery_id("m", 1700000000000, static_cast<uint32_t>(seq));
  it.user = user;
  it.sender = sender;
  it.data_type = "text";
  it.body = "item " + std::to_string(seq);
  return it;
}

struct temp_file {
  std::string path;
  temp_file() {
    char tmpl[] = "/tmp/drover-data-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = std::string{tmpl} + "/q.db";
  }
  ~temp_file() { std::filesystem::remove_all(std::filesystem::path(path).parent_path()); }
};

} // namespace

TEST_SUITE("data_rules") {

TEST_CASE("user ids are u<N> with N >= 1") {
  CHECK(format_user_id(42) == "u42");
  CHECK(*parse_user_id("u42") == 42);
  for (auto bad : {"", "u", "u0", "42", "user1", "u-1", "u1x", "curl/7.88.1"})
    CHECK(parse_user_id(bad).err().code == ec::bad_input);
}

TEST_CASE("delivery ids are <node>_<unix ms>_<6 digits> and are told from task ids") {
  auto id = format_delivery_id("manager-7", 1763930000000, 4839);
  CHECK(id == "manager-7_1763930000000_004839");
  CHECK(looks_like_delivery_id(id));
  CHECK(looks_like_delivery_id("c1_1763930000000_483920"));
  CHECK_FALSE(looks_like_delivery_id("42"));
  CHECK_FALSE(looks_like_delivery_id("m1_1700000000000_1"));   // a task id
  CHECK_FALSE(looks_like_delivery_id("_1700000000000_123456"));
  CHECK_FALSE(looks_like_delivery_id("m1_17x0_123456"));
}

TEST_CASE("LEVEL takes names or 0-2") {
  CHECK(*parse_level("HIGH") == priority::high);
  CHECK(*parse_level("2") == priority::low);
  CHECK(*parse_level("0") == priority::high);
  CHECK_FALSE(parse_level("3"));
  CHECK(parse_level("urgent").err().message == "'urgent' is not high, normal, low, 0, 1 or 2");
}

TEST_CASE("send headers: each missing or malformed header is named") {
  std::string ua = "u1", lvl = "high", des = "u2", bad = "curl/8.0", empty;
  auto r = parse_send_headers(&ua, &lvl, &des);
  REQUIRE(r);
  CHECK(r->sender == 1);
  CHECK(r->dest == 2);
  CHECK(r->level == priority::high);
  auto msg = [&](const std::string* a, const std::string* l, const std::string* d) {
    auto x = parse_send_headers(a, l, d);
    CHECK_FALSE(x);
    CHECK(x.err().code == ec::bad_input);
    return x.err().message;
  };
  CHECK(msg(nullptr, &lvl, &des).find("USER-AGENT is missing") != std::string::npos);
  CHECK(msg(&bad, &lvl, &des).find("USER-AGENT: 'curl/8.0'") != std::string::npos);
  CHECK(msg(&ua, &lvl, nullptr).find("DES-USER is missing") != std::string::npos);
  CHECK(msg(&ua, &lvl, &bad).find("DES-USER") != std::string::npos);
  CHECK(msg(&ua, nullptr, &des).find("LEVEL is missing") != std::string::npos);
  CHECK(msg(&ua, &empty, &des).find("LEVEL is missing") != std::string::npos);
  CHECK(msg(&ua, &bad, &des).find("LEVEL: 'curl/8.0'") != std::string::npos);
}


} // TEST_SUITE

TEST_SUITE("user_queue") {

TEST_CASE("a bounded user queue stores in order, refuses past the bound, and blocks the rest") {
  auto q = value_of(user_queue::open(":memory:"));
  REQUIRE(q);
  std::vector<offer_result> res;
  // user 7 holds 2; user 8's item in the same batch is not affected
  res = value_of(q->offer({item(1, 7), item(2, 7), item(3, 8), item(4, 7), item(5, 7)}, 2));
  REQUIRE(res.size() == 5);
  CHECK(res[0] == offer_result::stored);
  CHECK(res[1] == offer_result::stored);
  CHECK(res[2] == offer_result::stored);
  CHECK(res[3] == offer_result::full);
  CHECK(res[4] == offer_result::full);
  CHECK(value_of(q->backlog()) == 3);
  std::vector<data_item> got;
  got = value_of(q->read(7, 10));
  REQUIRE(got.size() == 2);
  CHECK(got[0].seq == 1);
  CHECK(got[1].body == "item 2");
}

TEST_CASE("a re-sent item is answered stored without a second copy") {
  auto q = value_of(user_queue::open(":memory:"));
  REQUIRE(q);
  std::vector<offer_result> res;
  res = value_of(q->offer({item(1, 7), item(2, 7)}, 10));
  res = value_of(q->offer({item(2, 7), item(3, 7)}, 10));
  CHECK(res[0] == offer_result::stored);
  CHECK(value_of(q->backlog()) == 3);
}

TEST_CASE("only an acknowledgement removes items, up to the acked id") {
  auto q = value_of(user_queue::open(":memory:"));
  REQUIRE(q);
  std::vector<offer_result> res;
  res = value_of(q->offer({item(1, 7), item(2, 7), item(3, 7)}, 10));
  std::vector<data_item> got;
  got = value_of(q->read(7, 2));
  got = value_of(q->read(7, 2)); // a read removes nothing
  CHECK(got.size() == 2);
  std::vector<std::string> done;
  done = value_of(q->ack(7, got[1].id));
  CHECK(done == std::vector<std::string>{got[0].id, got[1].id});
  CHECK(value_of(q->backlog()) == 1);
  auto again = q->ack(7, got[1].id);
  CHECK(again.err().code == ec::bad_input);
  CHECK(again.err().message.find("not in the queue of u7") != std::string::npos);
}

TEST_CASE("the user queue survives a reopen (a restarted node keeps its data)") {
  temp_file f;
  {
    auto q = value_of(user_queue::open(f.path));
    REQUIRE(q);
    std::vector<offer_result> res;
    res = value_of(q->offer({item(1, 7), item(2, 7)}, 10));
  }
  auto q = value_of(user_queue::open(f.path));
  REQUIRE(q);
  std::vector<data_item> got;
  got = value_of(q->read(7, 10));
  REQUIRE(got.size() == 2);
  CHECK(got[1].seq == 2);
  std::vector<offer_result> res; // and still knows what it has seen
  res = value_of(q->offer({item(2, 7)}, 10));
  CHECK(value_of(q->backlog()) == 2);
}

TEST_CASE("keep_only drops the queues of users bound elsewhere") {
  auto q = value_of(user_queue::open(":memory:"));
  REQUIRE(q);
  std::vector<offer_result> res;
  res = value_of(q->offer({item(1, 7), item(2, 8)}, 10));
  REQUIRE_FALSE(q->keep_only({8}));
  CHECK(value_of(q->backlog()) == 1);
}

} // TEST_SUITE

TEST_SUITE("data_store") {

TEST_CASE("the courier store keeps users, open deliveries and their records across a reopen") {
  temp_file f;
  {
    auto s = value_of(data_store::open(f.path));
    REQUIRE(s);
    user_info u;
    u.id = 3;
    u.name = "alice";
    u.node = "c1";
    REQUIRE_FALSE(s->put_user(u));
    auto a = item(1, 3), b = item(2, 3);
    REQUIRE_FALSE(s->put_delivery(a, {"generated", 10, "u1 -> u3"}));
    REQUIRE_FALSE(s->put_delivery(b, {"generated", 11, ""}));
    REQUIRE_FALSE(s->apply({{1, delivery_state::consumed, "c1", 1, {"consumed", 12, "ok"}},
                            {2, delivery_state::stored, "c1", 1, {"delivered", 12, ""}}},
                           {}));
  }
  auto s = value_of(data_store::open(f.path));
  REQUIRE(s);
  auto snap = value_of(s->load());
  REQUIRE(snap.users.size() == 1);
  CHECK(snap.users[0].node == "c1");
  REQUIRE(snap.unfinished.size() == 1); // the consumed one is history only
  CHECK(snap.unfinished[0].state == delivery_state::stored);
  CHECK(snap.max_seq == 2);
  auto d = value_of(s->get(item(1, 3).id));
  REQUIRE(d);
  CHECK(d->state == delivery_state::consumed);
  REQUIRE(d->events.size() == 2);
  CHECK(d->events[0].kind == "generated");
  CHECK(d->events[1].kind == "consumed");
  CHECK_FALSE(value_of(s->get("nope_1_000000"))); // unknown: no error, no delivery
}

TEST_CASE("the courier file follows --store") {
  CHECK(data_store_path("sqlite:/var/drover.db") == "/var/drover.db.data");
  CHECK(data_store_path("memory") == ":memory:");
}

} // TEST_SUITE
