// Hostile clients against a real `drover run` (registry + manager, REST on a
// free loopback port): 200 slowloris connections from ten client addresses,
// then a storm of 1,000 connections opened and dropped, with /healthz (and
// job submissions) timed during each. The figures are printed as messages;
// the bounds here are only sanity (no probe fails, none takes seconds). The
// strict bounds (100 ms, no stall) are bench/http_hostile.sh's.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <string>

#include "http/httplib_abi.hpp"
#include "support/hostile_http.hpp"
#include "support/process.hpp"
#include "support/rest_node.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct node_fixture {
  scratch_dir dir;
  rest_node rest{{"--store=memory", "--role=registry,manager"}, dir.path + "/node"};
  ~node_fixture() {
    rest.proc->signal(SIGTERM);
    rest.proc->wait(10s);
  }
};

/// POST /v1/jobs on a fresh connection every `every` until `stop`: the
/// times in ms of the ones answered 201; failures counted.
probe_stats probe_submit(uint16_t port, const std::atomic<bool>& stop,
                         std::chrono::milliseconds every, std::chrono::milliseconds limit) {
  probe_stats out;
  auto end = std::chrono::steady_clock::now() + limit;
  while (!stop && std::chrono::steady_clock::now() < end) {
    httplib::Client c{"127.0.0.1", port};
    c.set_connection_timeout(5s);
    c.set_read_timeout(5s);
    auto t0 = std::chrono::steady_clock::now();
    auto res = c.Post("/v1/jobs", R"({"name": "probe", "tasks": [{"type": "noop"}]})",
                      "application/json");
    if (res && res->status == 201)
      out.ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    else
      ++out.failed;
    std::this_thread::sleep_for(every);
  }
  return out;
}

std::string summary(const probe_stats& s) {
  return std::to_string(s.ms.size()) + " ok, " + std::to_string(s.failed) + " failed, p50 "
         + std::to_string(s.percentile(0.5)) + " ms, p99 " + std::to_string(s.percentile(0.99))
         + " ms, max " + std::to_string(s.max()) + " ms";
}

} // namespace

TEST_SUITE("http_hostile") {

TEST_CASE_FIXTURE(node_fixture, "200 slowloris connections do not hold up /healthz or POST /v1/jobs") {
  auto port = rest.http_port;
  slowloris attack{port, 200, 10, 100ms, 20s};
  REQUIRE(attack.wait_open(10s));
  std::atomic<bool> stop{false};
  auto submits = std::async(std::launch::async, [&] { return probe_submit(port, stop, 100ms, 4s); });
  auto health = probe_healthz(port, stop, 25ms, 4s);
  stop = true;
  auto jobs = submits.get();
  int held = attack.opened() - attack.closed_by_server();
  attack.stop();
  MESSAGE("slowloris: " << attack.opened() << " opened, " << held << " held at the end, "
                        << attack.failed() << " connects failed");
  MESSAGE("/healthz during slowloris: " << summary(health));
  MESSAGE("POST /v1/jobs during slowloris: " << summary(jobs));
  CHECK(held >= 190); // the attack really held its connections (closed after 10 s only)
  CHECK(health.failed == 0);
  CHECK(jobs.failed == 0);
  CHECK(health.ms.size() >= 20);
  CHECK(health.max() < 2000); // sanity only; bench/http_hostile.sh holds the 100 ms bound
  CHECK(jobs.max() < 2000);
  CHECK(rest.proc->running());
}

TEST_CASE_FIXTURE(node_fixture, "a storm of 1000 connect-and-drop clients does not stall the listener") {
  auto port = rest.http_port;
  std::atomic<bool> stop{false};
  auto during = std::async(std::launch::async, [&] { return probe_healthz(port, stop, 10ms, 30s); });
  auto storm = connect_and_drop(port, 1000, 4, 10);
  stop = true;
  auto health = during.get();
  // Right after the storm: how long until /healthz answers.
  auto t0 = std::chrono::steady_clock::now();
  double first = -1;
  while (first < 0 && std::chrono::steady_clock::now() - t0 < 10s)
    first = time_healthz(port);
  auto after_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("storm: " << storm.connected << " connected and dropped in " << storm.seconds << " s, "
                    << storm.failed << " connects failed");
  MESSAGE("/healthz during the storm: " << summary(health));
  MESSAGE("/healthz right after the storm: answered after " << after_ms << " ms");
  CHECK(storm.connected >= 990);
  CHECK(health.failed == 0);
  CHECK(health.max() < 3000); // sanity only; the bench holds "no stall"
  CHECK(first >= 0);
  CHECK(after_ms < 3000);
  CHECK(rest.proc->running());
}

}
