// What CAF's middleman writes for the batches that carry every task across
// processes (actors/protocol_wire.hpp): the packed form, not CAF's
// field-by-field walk, and a malformed batch from a peer is an error for
// that message, never a crash.
#include <doctest/doctest.h>

#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "support/actor_fixture.hpp"

using namespace drover;
using namespace drover::testing;

namespace {

std::vector<char> bytes_of(caf::actor_system& sys, const caf::message& msg) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = msg;
  REQUIRE_FALSE(sink(copy));
  return buf;
}

caf::message message_of(caf::actor_system& sys, const std::vector<char>& buf) {
  caf::binary_deserializer source{sys, buf};
  caf::message msg;
  REQUIRE_FALSE(source(msg));
  return msg;
}

} // namespace

TEST_SUITE("wire format") {

TEST_CASE("an assignment batch crosses as a few bytes per task and arrives whole") {
  actor_fixture fx;
  std::vector<assignment> batch;
  for (uint64_t i = 0; i < 256; ++i)
    batch.push_back(assignment{5000 + i, 90000 + i, 1, 60000, "noop", ""});
  batch[7].payload = "a payload";
  batch[9].attempt = 3;
  auto buf = bytes_of(fx.sys, caf::make_message(assign_atom::value, batch));
  CHECK(buf.size() < 256 * 5 + 200); // field by field it was ~30 bytes per task
  auto msg = message_of(fx.sys, buf);
  REQUIRE(msg.match_elements<assign_atom, std::vector<assignment>>());
  auto& got = msg.get_as<std::vector<assignment>>(1);
  REQUIRE(got.size() == batch.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i].id == batch[i].id);
    CHECK(got[i].lease == batch[i].lease);
    CHECK(got[i].attempt == batch[i].attempt);
    CHECK(got[i].timeout_ms == batch[i].timeout_ms);
    CHECK(got[i].type == batch[i].type);
    CHECK(got[i].payload == batch[i].payload);
  }
}

TEST_CASE("a consumer's reports and a producer's task list arrive whole") {
  actor_fixture fx;
  std::vector<task_report> reports{
    task_report{11, 21, task_outcome::succeeded, "", 4},
    task_report{12, 22, task_outcome::failed, "exit code 2", 9, false, "traceback"}};
  auto msg = message_of(fx.sys, bytes_of(fx.sys, caf::make_message(ack_atom::value,
                                                                   std::string{"c1"}, reports)));
  REQUIRE(msg.match_elements<ack_atom, std::string, std::vector<task_report>>());
  auto& got = msg.get_as<std::vector<task_report>>(2);
  REQUIRE(got.size() == 2);
  CHECK(got[1].id == 12);
  CHECK(got[1].outcome == task_outcome::failed);
  CHECK(got[1].result == "exit code 2");
  CHECK_FALSE(got[1].retryable);
  CHECK(got[1].log == "traceback");

  task_list list;
  list.origin = "o";
  list.seq = 3;
  list.last = true;
  task_spec noop;
  noop.type = "noop";
  list.tasks.assign(8192, noop);
  list.tasks[5].payload = "different";
  auto buf = bytes_of(fx.sys, caf::make_message(submit_atom::value, list));
  CHECK(buf.size() < 8192 + 300); // a byte per repeated task
  auto back = message_of(fx.sys, buf).get_as<task_list>(1);
  REQUIRE(back.tasks.size() == 8192);
  CHECK(back.tasks[5].payload == "different");
  CHECK(back.tasks[6].payload.empty());
  CHECK(back.tasks[8191].type == "noop");
  CHECK(back.last);
  CHECK(back.seq == 3);
}

TEST_CASE("a malformed packed batch is a deserialization error") {
  actor_fixture fx;
  std::vector<char> buf;
  caf::binary_serializer sink{fx.sys, buf};
  std::string bad{"\x05\x00\x02", 3}; // five assignments announced, one begun
  REQUIRE_FALSE(sink(bad));
  caf::binary_deserializer source{fx.sys, buf};
  std::vector<assignment> out;
  auto err = source(out);
  CHECK(err);
  CHECK(out.empty());
}

}
