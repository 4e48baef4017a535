// The courier and the mailboxes on CAF's deterministic scheduler:
// binding, delivery in batches per node, order, retry with backoff on a full
// queue, re-binding after the grace, a node back within the grace, durable
// node queues and a courier that restarts on its store. Virtual time only.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "actors/courier.hpp"
#include "actors/courier_state.hpp"
#include "actors/mailbox.hpp"
#include "actors/protocol_data.hpp"
#include "support/actor_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct data_fixture : actor_fixture {
  std::string dir;
  caf::actor courier;
  std::map<std::string, caf::actor> mailboxes;
  std::map<std::string, std::shared_ptr<user_backlog>> backlogs; ///< each node's own

  data_fixture() {
    char tmpl[] = "/tmp/drover-courier-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  ~data_fixture() { std::filesystem::remove_all(dir); }

  void start_courier(courier_options o = {}) {
    o.node = "m1";
    courier = keep(spawn_courier(sys, o, false));
    REQUIRE(courier);
    sched.run();
  }

  caf::actor start_node(const std::string& node, uint32_t bound = 1000) {
    mailbox_options o;
    o.node = node;
    o.path = mailbox_path(dir, node);
    o.bound = bound;
    o.courier = courier;
    o.backlog = backlogs[node] = std::make_shared<user_backlog>();
    auto mb = keep(spawn_mailbox(sys, o, false));
    REQUIRE(mb);
    mailboxes[node] = mb;
    sched.run();
    return mb;
  }

  void kill_node(const std::string& node) {
    caf::anon_send_exit(mailboxes[node], caf::exit_reason::kill);
    sched.run();
  }

  template <class T, class... Ts>
  T ask(Ts&&... xs) {
    T out{};
    auto req = self->request(courier, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    req.receive([&](T& x) { out = std::move(x); },
                [&](caf::error& e) { FAIL("unexpected error: " << sys.render(e)); });
    return out;
  }

  template <class T, class... Ts>
  caf::error ask_error(Ts&&... xs) {
    caf::error out;
    auto req = self->request(courier, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    req.receive([&](T&) {}, [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  user_info user(uint64_t id) { return ask<user_info>(user_atom::value, get_atom::value, id); }

  /// Creates users until one is bound to `node`.
  uint64_t user_on(const std::string& node) {
    for (int i = 0; i < 32; ++i) {
      auto u = ask<user_info>(user_atom::value, put_atom::value, std::string{"someone"});
      if (u.node == node)
        return u.id;
    }
    FAIL("no user landed on " << node);
    return 0;
  }

  std::string send(uint64_t from, uint64_t to, const std::string& body,
                   priority level = priority::normal) {
    return ask<send_receipt>(send_atom::value, send_request{from, to, level, "text", body}).id;
  }

  /// Reads and acknowledges everything the user has now; the bodies in order.
  std::vector<std::string> drain(uint64_t user) {
    auto b = ask<recv_batch>(recv_atom::value, user, uint32_t{1000});
    std::vector<std::string> out;
    for (auto& it : b.items)
      out.push_back(it.body);
    if (!b.items.empty())
      ask<uint64_t>(recv_atom::value, ack_atom::value, user, b.items.back().id);
    return out;
  }

  courier_state& courier_st() { return state_of<courier_state>(courier); }
};

std::vector<std::string> numbered(const std::string& prefix, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i)
    out.push_back(prefix + std::to_string(i));
  return out;
}

} // namespace

TEST_SUITE("data_courier") {

TEST_CASE_FIXTURE(data_fixture, "each node reports its own backlog, not the process's") {
  start_courier();
  start_node("c1");
  start_node("c2");
  auto a = user_on("c1");
  auto b = user_on("c2");
  for (int i = 1; i <= 5; ++i)
    send(b, a, "x" + std::to_string(i));
  send(a, b, "y");
  sched.run();
  CHECK(backlogs["c1"]->get() == 5);
  CHECK(backlogs["c2"]->get() == 1);
  CHECK(drain(a).size() == 5);
  CHECK(backlogs["c1"]->get() == 0);
  CHECK(backlogs["c2"]->get() == 1); // untouched by c1's acknowledgement
}

TEST_CASE_FIXTURE(data_fixture, "a send is answered once its store worker wrote it") {
  start_courier();
  start_node("c1");
  auto a = user_on("c1");
  auto id = send(a, a, "m1");
  // The answer came after the write: the record reads back at once (the
  // query runs on the worker after every write sent before it).
  auto d = ask<delivery_info>(delivery_atom::value, get_atom::value, id);
  CHECK(d.item.body == "m1");
  REQUIRE_FALSE(d.events.empty());
  CHECK(d.events.front().kind == "generated");
  CHECK(courier_st().accepting == 0);
  CHECK(courier_st().open.size() == 1);
}

TEST_CASE_FIXTURE(data_fixture, "two users on two nodes exchange data in order, batched per node") {
  start_courier();
  start_node("c1");
  start_node("c2");
  auto a = user_on("c1");
  auto b = user_on("c2");
  CHECK(user(a).node == "c1"); // sticky: asking again does not move it
  // Queue everything before the courier runs: the first item goes alone,
  // the rest wait behind it and travel together.
  for (int i = 1; i <= 20; ++i) {
    self->send(courier, send_atom::value, send_request{a, b, priority::normal, "text",
                                                       "a" + std::to_string(i)});
    self->send(courier, send_atom::value, send_request{b, a, priority::high, "text",
                                                       "b" + std::to_string(i)});
  }
  sched.run();
  CHECK(courier_st().batches <= 4);
  CHECK(drain(b) == numbered("a", 1, 20));
  CHECK(drain(a) == numbered("b", 1, 20));
  CHECK(user(a).consumed == 20);
  CHECK(user(a).sent == 20);
  CHECK(user(b).stored == 0);
}

TEST_CASE_FIXTURE(data_fixture, "unknown users are refused and nothing is stored") {
  start_courier();
  start_node("c1");
  auto a = user_on("c1");
  auto err = ask_error<send_receipt>(send_atom::value, send_request{a, 99, priority::low, "t", "x"});
  CHECK(err.code() == static_cast<uint8_t>(ec::unknown_member));
  CHECK(sys.render(err).find("u99 is not a user") != std::string::npos);
  CHECK(courier_st().open.empty());
  err = ask_error<recv_batch>(recv_atom::value, uint64_t{77}, uint32_t{10});
  CHECK(err.code() == static_cast<uint8_t>(ec::unknown_member));
}

TEST_CASE_FIXTURE(data_fixture, "the courier refuses data past its bound (overloaded)") {
  courier_options o;
  o.max_pending = 2;
  start_courier(o);
  auto a = ask<user_info>(user_atom::value, put_atom::value, std::string{"a"}).id;
  send(a, a, "1");
  send(a, a, "2");
  auto err = ask_error<send_receipt>(send_atom::value, send_request{a, a, priority::low, "t", "3"});
  CHECK(err.code() == static_cast<uint8_t>(ec::overloaded));
}

TEST_CASE_FIXTURE(data_fixture, "a full user queue sends data to the retry queue with backoff, "
                                "and consumption lets it through in order") {
  start_courier();
  start_node("c1", 2);
  auto a = user_on("c1");
  std::vector<std::string> ids;
  for (int i = 1; i <= 5; ++i)
    ids.push_back(send(a, a, "x" + std::to_string(i)));
  CHECK(user(a).stored == 2);
  CHECK(user(a).queued == 3);
  auto& ln = courier_st().lanes[a];
  CHECK(ln.backing_off);
  CHECK(ln.fails == 1);
  advance(99ms); // the first retry is due at 100 ms
  CHECK(ln.fails == 1);
  advance(1ms);  // still full: backoff doubles
  CHECK(ln.fails == 2);
  auto d = ask<delivery_info>(delivery_atom::value, get_atom::value, ids[2]);
  CHECK(d.state == delivery_state::queued);
  REQUIRE(d.events.size() >= 4);
  CHECK(d.events[0].kind == "generated");
  CHECK(d.events.back().kind == "retried");
  CHECK(d.events.back().detail.find("queue of u") != std::string::npos);
  CHECK(d.events.back().detail.find("retry in 200 ms") != std::string::npos);
  // Consuming makes room; the waiting items go at once, in order.
  CHECK(drain(a) == numbered("x", 1, 2));
  CHECK(drain(a) == numbered("x", 3, 4));
  CHECK(drain(a) == numbered("x", 5, 5));
  d = ask<delivery_info>(delivery_atom::value, get_atom::value, ids[2]);
  CHECK(d.state == delivery_state::consumed);
  CHECK(d.events.back().kind == "consumed");
  bool delivered = false;
  for (auto& e : d.events)
    delivered = delivered || e.kind == "delivered";
  CHECK(delivered);
}

TEST_CASE_FIXTURE(data_fixture, "a node lost past the grace: its users are re-bound and their "
                                "unconsumed data follows, in order, once") {
  start_courier();
  start_node("c1");
  start_node("c2");
  auto a = user_on("c1");
  auto b = user_on("c2");
  for (int i = 1; i <= 3; ++i)
    send(b, a, "m" + std::to_string(i)); // stored on c1, not consumed
  CHECK(user(a).stored == 3);
  kill_node("c1");
  for (int i = 4; i <= 6; ++i)
    send(b, a, "m" + std::to_string(i)); // c1 is down: wait for a retry
  CHECK(user(a).queued == 3);
  advance(999ms);
  CHECK(user(a).node == "c1"); // the grace is not over
  advance(1ms);
  CHECK(user(a).node == "c2");
  CHECK(drain(a) == numbered("m", 1, 6));
  CHECK(drain(a).empty());
  CHECK(user(b).node == "c2"); // others never move
}

TEST_CASE_FIXTURE(data_fixture, "a node the registry declares lost (missed heartbeats) loses "
                                "its users after the grace, though its mailbox still runs") {
  start_courier();
  start_node("c1");
  start_node("c2");
  auto a = user_on("c1");
  auto b = user_on("c2");
  send(b, a, "m1"); // stored on c1
  member_info c1;
  c1.node = "c1";
  c1.role = member_role::consumer;
  self->send(courier, lost_atom::value, c1); // what the registry sends
  sched.run();
  advance(999ms);
  CHECK(user(a).node == "c1");
  advance(1ms);
  CHECK(user(a).node == "c2");
  CHECK(drain(a) == numbered("m", 1, 1));
}

TEST_CASE_FIXTURE(data_fixture, "a node back within the grace keeps its users and its durable "
                                "queue") {
  start_courier();
  start_node("c1");
  start_node("c2");
  auto a = user_on("c1");
  send(a, a, "k1");
  send(a, a, "k2");
  kill_node("c1");
  send(a, a, "k3");
  advance(500ms);
  start_node("c1"); // a new process on the same queue file
  CHECK(user(a).node == "c1");
  CHECK(drain(a) == numbered("k", 1, 3));
  advance(2s); // the old grace timer is stale: nothing moves
  CHECK(user(a).node == "c1");
}

TEST_CASE_FIXTURE(data_fixture, "the courier reloads users, bindings and undelivered data "
                                "from its store") {
  courier_options o;
  o.store_path = dir + "/courier.db";
  start_courier(o);
  start_node("c1");
  auto a = user_on("c1");
  send(a, a, "p1");
  auto id = send(a, a, "p2");
  kill_node("c1");
  send(a, a, "p3");
  caf::anon_send_exit(courier, caf::exit_reason::kill);
  sched.run();
  start_courier(o);
  CHECK(user(a).node == "c1");
  CHECK(user(a).stored == 2);
  CHECK(user(a).queued == 1);
  auto d = ask<delivery_info>(delivery_atom::value, get_atom::value, id);
  CHECK(d.state == delivery_state::stored);
  start_node("c1");
  CHECK(drain(a) == numbered("p", 1, 3));
}

TEST_CASE_FIXTURE(data_fixture, "a node fetches the topology: routing ids and its users") {
  start_courier();
  auto mb1 = start_node("c1");
  start_node("c2");
  auto a = user_on("c2");
  advance(5s); // the periodic fetch
  topology t;
  auto req = self->request(mailboxes["c2"], caf::infinite, get_atom::value, topology_atom::value);
  sched.run();
  req.receive([&](topology& x) { t = x; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(t.nodes == std::vector<std::string>{"c1", "c2"});
  CHECK(t.routes == std::vector<uint64_t>{1, 2});
  CHECK(t.route == 2);
  CHECK(std::find(t.users.begin(), t.users.end(), a) != t.users.end());
  CHECK(t.version == courier_st().version);
  (void) mb1;
}

} // TEST_SUITE
