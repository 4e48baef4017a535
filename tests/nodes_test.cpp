// Node status reports, node commands and the idle sleep/wake policy on
// virtual time: a real manager and a real
// consumer under its supervisor, with a stub host sampler, or fake
// consumers for the policy.
#include <doctest/doctest.h>

#include "actors/consumer.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/supervisor.hpp"
#include "app/roles.hpp"
#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// Commands of `node`, as GET /v1/nodes/{node}/commands asks for them.
std::vector<node_command> commands_of(manager_fixture& f, const std::string& node) {
  std::vector<node_command> out;
  auto req = f.self->request(f.mgr, caf::infinite, ncommand_atom::value, get_atom::value, node);
  f.sched.run();
  req.receive([&](std::vector<node_command>& cs) { out = std::move(cs); },
              [&](caf::error& e) { FAIL(f.sys.render(e)); });
  return out;
}

/// Status reports of `node` after `since_ms`, as the REST history asks.
std::vector<node_status> history_of(manager_fixture& f, const std::string& node,
                                    int64_t since_ms) {
  std::vector<node_status> out;
  auto req = f.self->request(f.mgr, caf::infinite, nstatus_atom::value, get_atom::value, node,
                             since_ms);
  f.sched.run();
  req.receive([&](std::vector<node_status>& h) { out = std::move(h); },
              [&](caf::error& e) { FAIL(f.sys.render(e)); });
  return out;
}

/// The latest status report of `node`, if any.
std::optional<node_status> latest_of(manager_fixture& f, const std::string& node) {
  auto h = history_of(f, node, -1);
  if (h.empty())
    return std::nullopt;
  return h.back();
}

/// A host whose counters grow by fixed steps per sample: 25 % CPU and
/// 1000 bytes received per sample.
host_sample stub_host(int64_t now_ms, uint64_t n) {
  host_sample s;
  s.at_ms = now_ms;
  s.ok_cpu = s.ok_mem = s.ok_disk = s.ok_net = true;
  s.cpu = cpu_times{n * 25, n * 100};
  s.mem_total_kb = 1000;
  s.mem_available_kb = 600;
  s.disk_total_bytes = 100;
  s.disk_free_bytes = 50;
  s.net_rx_bytes = n * 1000;
  s.net_tx_bytes = n * 500;
  return s;
}

/// Advances virtual time in 10 ms steps, so a timer that re-arms itself
/// fires once per period (one big advance fires each due timer only once).
void step(actor_fixture& f, std::chrono::milliseconds total) {
  for (auto t = 0ms; t < total; t += 10ms)
    f.advance(10ms);
}

manager_options with_policy(int64_t idle_after_ms, uint32_t wake_backlog) {
  manager_options o;
  o.idle = idle_policy{idle_after_ms, 1, wake_backlog};
  o.policy_every = 100ms;
  return o;
}

struct nodes_fixture : manager_fixture {
  caf::actor registry;
  caf::actor supervisor;
  std::shared_ptr<uint32_t> file_capacity = std::make_shared<uint32_t>(2);
  std::shared_ptr<uint64_t> samples = std::make_shared<uint64_t>(0);

  explicit nodes_fixture(manager_options o = {}) : manager_fixture(std::move(o)) {
    auto m = mgr;
    // A registry that answers with the manager and tells it who joined.
    registry = keep(sys.spawn([m](caf::event_based_actor* r) -> caf::behavior {
      return {[=](register_atom, const member_info& info) {
                r->send(m, joined_atom::value, info,
                        caf::actor_cast<caf::actor>(r->current_sender()));
                return m;
              },
              [](heartbeat_atom, const member_info&) {}};
    }));
  }

  /// Starts consumer `node` (capacity 2) under a supervisor, reporting every second.
  void start_consumer(const std::string& node) {
    consumer_options co;
    co.info = member_info{node, member_role::consumer, {}, 2, "", ""};
    co.registry = registry;
    co.heartbeat = 0ms;
    co.status_every = 1000ms;
    auto n = samples;
    co.node.sample = [n](int64_t now_ms) { return stub_host(now_ms, ++*n); };
    auto cap = file_capacity;
    co.node.reload = [cap](member_info& info) {
      if (*cap == 0)
        return error{ec::bad_input, "drover.yaml:3:11: capacity must be at least 1"};
      info.capacity = *cap;
      info.tags = {"gpu"};
      return error{};
    };
    supervisor_options so;
    so.node = node;
    so.children.push_back(consumer_child(co, nullptr)); // as drover run supervises it
    supervisor = keep(spawn_supervisor(sys, std::move(so)));
    sched.run();
  }

  /// POST /v1/nodes/{node}/commands as the backend sends it.
  caf::error post(const std::string& node, const std::string& kind) {
    caf::error out;
    auto req = self->request(mgr, caf::infinite, ncommand_atom::value, node, kind);
    sched.run();
    req.receive([](const node_command&) {}, [&](caf::error& e) { out = e; });
    return out;
  }

  node_command last_command(const std::string& node) {
    auto cs = commands_of(*this, node);
    REQUIRE_FALSE(cs.empty());
    return cs.back();
  }

  node_mode mode_of(const std::string& node) { return snap().consumers.at(node).mode; }
};

} // namespace

TEST_SUITE("nodes") {

TEST_CASE_FIXTURE(nodes_fixture, "a consumer reports every --status-every with /proc figures") {
  start_consumer("c1");
  REQUIRE(latest_of(*this, "c1").has_value()); // the first report goes at registration
  step(*this, 1000ms);
  step(*this, 1000ms);
  auto h = history_of(*this, "c1", -1);
  REQUIRE(h.size() == 3);
  CHECK(h[0].cpu_pct == 0); // no earlier sample yet
  CHECK(h[2].cpu_pct == doctest::Approx(25.0));
  CHECK(h[2].net_in_bps == doctest::Approx(1000.0));
  CHECK(h[2].net_out_bps == doctest::Approx(500.0));
  CHECK(h[2].mem_pct == doctest::Approx(40.0));
  CHECK(h[2].disk_pct == doctest::Approx(50.0));
  CHECK(h[2].user_backlog == 0);
  CHECK(h[2].at_ms - h[1].at_ms == 1000);
  CHECK(history_of(*this, "c1", h[1].at_ms).size() == 1);
}

TEST_CASE_FIXTURE(nodes_fixture, "drain: no new work, work in flight finishes, wake resumes") {
  start_consumer("c1");
  submit_spec(2, [] { task_spec s; s.type = "sleep"; s.payload = "3000"; return s; }());
  CHECK(snap().consumers.at("c1").inflight == 2);
  REQUIRE_FALSE(post("c1", "drain"));
  CHECK(mode_of("c1") == node_mode::draining);
  CHECK(last_command("c1").state == command_state::queued);
  step(*this, 1000ms); // the report fetches it, the next one says done
  step(*this, 1000ms);
  CHECK(last_command("c1").state == command_state::done);
  CHECK(latest_of(*this, "c1")->mode == node_mode::draining);
  submit(2, "noop", 1, "second");
  CHECK(snap().queues.pending == 2); // nothing new for a draining node
  step(*this, 1000ms);                 // the sleeps end at 3000 ms
  CHECK(snap().consumers.at("c1").inflight == 0);
  CHECK(snap().queues.pending == 2);
  REQUIRE_FALSE(post("c1", "wake"));
  CHECK(snap().queues.pending == 0);
  CHECK(snap().stats.acks == 4);
}

TEST_CASE_FIXTURE(nodes_fixture, "sleep: the consumer takes no work but keeps reporting") {
  start_consumer("c1");
  REQUIRE_FALSE(post("c1", "sleep"));
  step(*this, 1000ms);
  step(*this, 1000ms);
  CHECK(last_command("c1").state == command_state::done);
  CHECK(latest_of(*this, "c1")->mode == node_mode::asleep);
  submit(3);
  CHECK(snap().queues.pending == 3);
  auto reports = snap().status_reports;
  step(*this, 1000ms);
  CHECK(snap().status_reports == reports + 1);
  REQUIRE_FALSE(post("c1", "wake"));
  sched.run();
  CHECK(snap().stats.acks == 3);
}

TEST_CASE_FIXTURE(nodes_fixture, "restart: the supervisor restarts the consumer, then it is done") {
  start_consumer("c1");
  auto before = snap().consumers.at("c1").incarnation;
  REQUIRE_FALSE(post("c1", "restart"));
  step(*this, 1000ms); // fetched: running, the role quits, the supervisor starts it again
  step(*this, 1000ms);
  auto c = last_command("c1");
  CHECK(c.state == command_state::done);
  CHECK(c.reason == "restarted");
  CHECK(snap().consumers.at("c1").incarnation != before);
  submit(2);
  CHECK(snap().stats.acks == 2); // the new incarnation takes work
}

TEST_CASE_FIXTURE(nodes_fixture, "update re-reads the config file and re-announces the node") {
  start_consumer("c1");
  *file_capacity = 5;
  REQUIRE_FALSE(post("c1", "update"));
  step(*this, 1000ms);
  step(*this, 1000ms);
  CHECK(last_command("c1").state == command_state::done);
  CHECK(snap().consumers.at("c1").capacity == 5);
  CHECK(snap().consumers.at("c1").tags == std::vector<std::string>{"gpu"});
  *file_capacity = 0; // a broken file: the command fails with the reason
  REQUIRE_FALSE(post("c1", "update"));
  step(*this, 1000ms);
  step(*this, 1000ms);
  auto c = last_command("c1");
  CHECK(c.state == command_state::failed);
  CHECK(c.reason.find("capacity must be at least 1") != std::string::npos);
  CHECK(snap().consumers.at("c1").capacity == 5);
}

TEST_CASE_FIXTURE(nodes_fixture, "clear_cache drops the consumer's per-type run tallies") {
  start_consumer("c1");
  submit(2, "noop");
  submit(1, "echo", 1, "other");
  step(*this, 1000ms);
  CHECK(latest_of(*this, "c1")->cache_entries == 2);
  REQUIRE_FALSE(post("c1", "clear_cache"));
  step(*this, 1000ms);
  step(*this, 1000ms);
  CHECK(last_command("c1").reason == "dropped 2 per-type run tallies");
  CHECK(latest_of(*this, "c1")->cache_entries == 0);
}

TEST_CASE_FIXTURE(nodes_fixture, "unknown nodes and commands are refused, nothing queued") {
  start_consumer("c1");
  auto err = post("nope", "drain");
  CHECK(err.code() == static_cast<uint8_t>(ec::unknown_member));
  err = post("c1", "reboot");
  CHECK(err.code() == static_cast<uint8_t>(ec::bad_input));
  CHECK(commands_of(*this, "c1").empty());
  CHECK(mode_of("c1") == node_mode::awake);
}

}

namespace {

struct policy_fixture : manager_fixture {
  policy_fixture() : manager_fixture(with_policy(1000, 4)) {}
  node_mode mode_of(const std::string& node) { return snap().consumers.at(node).mode; }
  /// What rules/run_stats would have learnt from ACKs: `node` runs in `ms`.
  void runs_in(const std::string& node, double ms) { st().chooser.record_run(node, "noop", ms); }
};

} // namespace

TEST_SUITE("nodes") {

TEST_CASE_FIXTURE(policy_fixture, "after --idle-after of idleness all but --min-awake consumers sleep") {
  join("c1", 4);
  join("c2", 4);
  join("c3", 4);
  runs_in("c1", 5);
  runs_in("c2", 9);
  runs_in("c3", 1); // the fastest: the one kept awake
  step(*this, 900ms);
  CHECK(mode_of("c1") == node_mode::awake);
  step(*this, 200ms);
  CHECK(snap().policy_sleeps == 2);
  CHECK(mode_of("c1") == node_mode::asleep);
  CHECK(mode_of("c2") == node_mode::asleep);
  CHECK(mode_of("c3") == node_mode::awake);
  submit(2); // the one awake takes work; nobody else gets any
  CHECK(snap().consumers.at("c3").inflight == 2);
  CHECK(commands_of(*this, "c1").back().by == "policy");
}

TEST_CASE_FIXTURE(policy_fixture, "backlog per awake consumer past --wake-backlog wakes the fastest sleepers") {
  join("c1", 4);
  join("c2", 4);
  join("c3", 4);
  runs_in("c1", 5);
  runs_in("c2", 9);
  runs_in("c3", 1);
  step(*this, 1100ms);
  REQUIRE(mode_of("c1") == node_mode::asleep); // c3 is kept: the fastest
  REQUIRE(mode_of("c2") == node_mode::asleep);
  submit(9, "noop", 1, "burst"); // c3 takes 4, 5 pending > 4 per awake consumer
  CHECK(snap().queues.pending == 5);
  step(*this, 100ms);
  CHECK(mode_of("c1") == node_mode::awake); // faster than c2
  CHECK(mode_of("c2") == node_mode::asleep);
  CHECK(snap().queues.pending == 1);
  CHECK(snap().policy_wakes == 1);
}

TEST_CASE_FIXTURE(policy_fixture, "a consumer that joins while others sleep takes work at once") {
  join("c1", 4);
  join("c2", 4);
  step(*this, 1100ms);
  REQUIRE(mode_of("c2") == node_mode::asleep);
  auto b3 = join("c3", 4);
  CHECK(mode_of("c3") == node_mode::awake);
  submit(2);
  CHECK(snap().queues.pending == 0);
  CHECK(b3->tasks.size() >= 1);
  CHECK(snap().consumers.at("c2").inflight == 0);
}

}
