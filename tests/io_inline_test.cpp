// Which thread runs a message that came from another process (app/io_inline):
// CAF's network thread itself for an idle manager or consumer, a scheduler
// worker for any other actor, and a worker for a while after a long run.
// Two actor systems in this process, linked over 127.0.0.1 as drover's
// processes are; every wait is bounded.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/actor_names.hpp"
#include "actors/protocol.hpp"
#include "app/remote.hpp"
#include "app/scheduler_tuning.hpp"

using namespace drover;
using namespace std::chrono_literals;

namespace {

uint64_t this_thread_code() {
  return std::hash<std::thread::id>{}(std::this_thread::get_id());
}

/// Answers `get` with the code of the thread it runs on; `(get, ms)` first
/// works for that many milliseconds.
template <const char* const& Name>
struct probe_state {
  static inline const char* name = Name;
};

template <class State>
caf::behavior probe(caf::stateful_actor<State>*) {
  return {
    [](get_atom) { return this_thread_code(); },
    [](get_atom, int ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms)); // a long handler, on purpose
      return this_thread_code();
    },
  };
}

constexpr const char* consumer_name = actor_names::consumer;
constexpr const char* other_name = "other";
using consumer_like = probe_state<consumer_name>;
using other_actor = probe_state<other_name>;

struct node_config : caf::actor_system_config {
  node_config() {
    add_drover_types(*this);
    configure_node_links(*this, tls_files{});
    tune_scheduler(*this);
  }
};

struct two_nodes {
  node_config server_cfg, client_cfg;
  caf::actor_system server{server_cfg};
  caf::actor_system client{client_cfg};
  caf::actor consumer = server.spawn(probe<consumer_like>);
  caf::actor other = server.spawn(probe<other_actor>);

  /// `target` as seen from the client system, through the middleman.
  caf::actor remote(const caf::actor& target) {
    auto port = server.middleman().publish(target, 0, "127.0.0.1");
    REQUIRE(port);
    auto hdl = client.middleman().remote_actor("127.0.0.1", *port);
    REQUIRE(hdl);
    return *hdl;
  }

  uint64_t network_thread() {
    return std::hash<std::thread::id>{}(server.middleman().backend().thread_id());
  }

  ~two_nodes() {
    caf::anon_send_exit(consumer, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
  }
};

/// The thread code `hdl` answers with, asked from the client system.
template <class... Ts>
uint64_t ask(caf::actor_system& sys, const caf::actor& hdl, Ts... xs) {
  caf::scoped_actor self{sys};
  uint64_t out = 0;
  self->request(hdl, 10s, get_atom::value, xs...)
    .receive([&](uint64_t code) { out = code; },
             [&](caf::error& err) { FAIL("no answer: " << sys.render(err)); });
  return out;
}

} // namespace

TEST_SUITE("io inline") {

TEST_CASE("an idle consumer's message from another process runs on the network thread") {
  two_nodes nodes;
  auto consumer = nodes.remote(nodes.consumer);
  auto other = nodes.remote(nodes.other);
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(ask(nodes.client, consumer) == nodes.network_thread());
    // Any other actor stays with CAF's workers.
    CHECK(ask(nodes.client, other) != nodes.network_thread());
  }
}

TEST_CASE("after a long run the network thread leaves the actor to the workers for a while") {
  two_nodes nodes;
  auto consumer = nodes.remote(nodes.consumer);
  CHECK(ask(nodes.client, consumer) == nodes.network_thread());
  // 5 ms in the handler: longer than a run may take on the network thread.
  CHECK(ask(nodes.client, consumer, 5) == nodes.network_thread());
  CHECK(ask(nodes.client, consumer) != nodes.network_thread());
}

}
