// Manager processes sharing a real PostgreSQL (started by the test) on two
// loopback "hosts", 127.0.0.2 and 127.0.0.3, with consumers given both
// registries: the leader is SIGKILLed, SIGSTOPped, cut off from the
// database; the standby takes over, every task SUCCEEDS exactly once
// (checked through REST and the store), and a deposed leader changes
// nothing and exits with code 3.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "tests/support/ha_cluster.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/process.hpp"
#include "tests/support/restart_procs.hpp"
#include "tests/support/tcp_relay.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

/// Declares `var` = a fresh database URL, or skips the test (returns) when
/// PostgreSQL is missing or the two "hosts" 127.0.0.2/127.0.0.3 cannot be bound.
#define DROVER_HA_OR_SKIP(var)                                     \
  DROVER_PG_URL_OR_SKIP(var);                                      \
  if (!loopback_hosts_usable()) {                                  \
    MESSAGE("SKIPPED: 127.0.0.2/127.0.0.3 cannot be bound here"); \
    return;                                                        \
  }

namespace {

struct ha_fixture {
  scratch_dir dir;
  std::string url;
  std::unique_ptr<ha_manager> a, b;
  std::vector<std::unique_ptr<child_process>> consumers;

  /// Starts manager a (it leads) and b (it stands by); `a_store` overrides
  /// a's store URL (a relay in front of the database).
  void start_managers(const std::string& db_url, const std::string& a_store = {},
                      const std::string& grace = "1000ms") {
    url = db_url;
    std::vector<std::string> extra{"--grace=" + grace};
    a = std::make_unique<ha_manager>(dir.path, "ma", "127.0.0.2",
                                     a_store.empty() ? url : a_store, extra);
    b = std::make_unique<ha_manager>(dir.path, "mb", "127.0.0.3", url, extra);
    REQUIRE_MESSAGE(a->start(), a->proc->err());
    REQUIRE_MESSAGE(poll_until([&] { return a->leading(); }, 15s), a->proc->err());
    REQUIRE_MESSAGE(b->start(), b->proc->err());
    // The standby answers 503 and names the leader once it has seen the row.
    REQUIRE(poll_until([&] { return b->probe("/v1/jobs").second == a->url(); }, 10s));
    CHECK(b->health() == 503);
  }

  std::string registries() const { return "--registry=" + a->registry() + "," + b->registry(); }

  void start_consumers(int n, uint32_t capacity) {
    for (int i = 1; i <= n; ++i)
      consumers.push_back(member(dir.path, fmt::format("c{}", i),
                                 {"--role=consumer", fmt::format("--node=c{}", i), registries(),
                                  fmt::format("--capacity={}", capacity), "--threads=2"}));
  }

  /// Succeeded tasks of `jobs` summed, as the leader says (-1: none answers).
  long long succeeded(const std::vector<uint64_t>& jobs) {
    long long sum = 0;
    for (auto j : jobs) {
      auto n = succeeded_of({a.get(), b.get()}, j);
      if (n < 0)
        return -1;
      sum += n;
    }
    return sum;
  }

  /// Rows of the store's task table in state SUCCEEDED.
  long long stored_succeeded() {
    return shared_pg_server()->query_int(db_of(url),
                                         "SELECT count(*) FROM tasks WHERE state = 3");
  }

  /// The store's SUCCEEDED rows once they reach `n` (REST counts a task as
  /// soon as the leader applied its ACK; its row follows with the next
  /// group commit), or what they were after 10 s.
  long long stored_succeeded_reaching(long long n) {
    long long got = -1;
    poll_until([&] { return (got = stored_succeeded()) >= n; }, 10s);
    return got;
  }
};

} // namespace

TEST_SUITE("ha_cluster") {

TEST_CASE_FIXTURE(ha_fixture, "SIGKILL of the leader under 20,000 tasks: the standby takes over and every task succeeds once") {
  DROVER_HA_OR_SKIP(db);
  start_managers(db);
  start_consumers(2, 32);
  std::vector<uint64_t> jobs;
  for (int i = 0; i < 4; ++i) {
    auto id = submit_job(a->url(), "sleep", "20", 5000);
    REQUIRE(id != 0);
    jobs.push_back(id);
  }
  REQUIRE(poll_until([&] { return succeeded(jobs) >= 3000; }, 60s));
  REQUIRE(succeeded(jobs) < 20000); // the kill lands mid-run
  a->proc->signal(SIGKILL);
  CHECK(a->proc->wait(5s) == 128 + SIGKILL);
  REQUIRE_MESSAGE(poll_until([&] { return b->leading(); }, 10s), b->proc->err());
  REQUIRE_MESSAGE(poll_until([&] { return succeeded(jobs) == 20000; }, 120s),
                  "succeeded: " << succeeded(jobs) << "\n" << b->proc->err());
  for (auto j : jobs) {
    auto doc = b->get(fmt::format("/v1/jobs/{}", j));
    REQUIRE(doc.is_object());
    CHECK(doc["counts"].value("SUCCEEDED", 0) == 5000);
    CHECK(doc["counts"].value("FAILED", 0) == 0);
    CHECK(doc["counts"].value("PENDING", 0) == 0);
  }
  CHECK(stored_succeeded_reaching(20000) == 20000);
  // The killed manager comes back (its supervisor would restart it) as a standby.
  REQUIRE(a->start());
  REQUIRE(poll_until([&] { return a->probe("/healthz").second == b->url(); }, 10s));
  CHECK(a->health() == 503);
  for (auto& c : consumers)
    c->signal(SIGTERM);
  for (auto& c : consumers)
    CHECK(c->wait(30s) == 0);
  uint64_t ran = 0;
  for (auto& c : consumers)
    ran += executed_by(*c);
  CHECK(ran >= 20000); // at least once; the records above say exactly once
}

TEST_CASE_FIXTURE(ha_fixture, "a leader SIGSTOPped for 5 s is replaced, and once continued changes nothing and exits 3") {
  DROVER_HA_OR_SKIP(db);
  start_managers(db);
  start_consumers(2, 16);
  auto job = submit_job(a->url(), "sleep", "20", 3000);
  REQUIRE(job != 0);
  REQUIRE(poll_until([&] { return succeeded({job}) >= 300; }, 60s));
  a->proc->signal(SIGSTOP);
  auto stopped_at = std::chrono::steady_clock::now();
  REQUIRE_MESSAGE(poll_until([&] { return b->leading(); }, 10s), b->proc->err());
  std::this_thread::sleep_until(stopped_at + 5s);
  auto before = stored_succeeded();
  a->proc->signal(SIGCONT);
  CHECK(a->proc->wait(10s) == 3); // stepped down: deposed
  CHECK(a->proc->err().find("stepping down as leader") != std::string::npos);
  CHECK(stored_succeeded() >= before);
  REQUIRE_MESSAGE(poll_until([&] { return succeeded({job}) == 3000; }, 120s), b->proc->err());
  CHECK(stored_succeeded_reaching(3000) == 3000);
  CHECK(b->leading());
}

TEST_CASE_FIXTURE(ha_fixture, "a leader cut off from PostgreSQL steps down before its lease expires and the standby leads") {
  DROVER_HA_OR_SKIP(db);
  auto* pg = shared_pg_server();
  tcp_relay relay{"127.0.0.1", static_cast<uint16_t>(pg->port())};
  REQUIRE(relay.start() == "");
  auto via_relay = db;
  auto at = via_relay.find(fmt::format(":{}/", pg->port()));
  REQUIRE(at != std::string::npos);
  via_relay.replace(at, fmt::format(":{}/", pg->port()).size(), fmt::format(":{}/", relay.port()));
  start_managers(db, via_relay);
  start_consumers(1, 8);
  auto job = submit_job(a->url(), "sleep", "10", 2000);
  REQUIRE(job != 0);
  REQUIRE(poll_until([&] { return succeeded({job}) >= 100; }, 60s));
  relay.stop(); // the leader's connections hang: no reset, no answer
  auto cut_at = std::chrono::steady_clock::now();
  CHECK(a->proc->wait(5s) == 3);
  auto stepped = std::chrono::steady_clock::now() - cut_at;
  CHECK(stepped < 1000ms); // before its 1 s lease can expire on the database
  REQUIRE_MESSAGE(poll_until([&] { return b->leading(); }, 10s), b->proc->err());
  REQUIRE_MESSAGE(poll_until([&] { return succeeded({job}) == 2000; }, 120s), b->proc->err());
  CHECK(stored_succeeded_reaching(2000) == 2000);
}

TEST_CASE_FIXTURE(ha_fixture, "PostgreSQL restarted mid-run: nothing acknowledged is lost and the cluster carries on") {
  DROVER_HA_OR_SKIP(db);
  start_managers(db);
  start_consumers(2, 8);
  auto job = submit_job(a->url(), "sleep", "10", 3000);
  REQUIRE(job != 0);
  REQUIRE(poll_until([&] { return succeeded({job}) >= 200; }, 60s));
  auto* pg = shared_pg_server();
  REQUIRE(pg->stop(pg_server::fast) == "");
  REQUIRE(pg->start() == "");
  // A leader that could not renew for 750 ms stepped down (exit 3); its
  // supervisor starts it again, as a standby. Either way one leads again.
  int restarts = 0;
  auto one_leads = [&] {
    for (auto* m : {a.get(), b.get()})
      if (!m->proc->running()) {
        CHECK(m->proc->wait(1s) == 3);
        ++restarts;
        m->start();
      }
    return a->leading() || b->leading();
  };
  REQUIRE_MESSAGE(poll_until(one_leads, 30s), a->proc->err() << b->proc->err());
  MESSAGE("manager processes restarted after stepping down: " << restarts);
  // A second job, acknowledged after the restart, and the first: all of it.
  // (The leader may step down only now, its last renewal having been cut
  // short by the restart: keep restarting what exits, ask whoever leads.)
  uint64_t second = 0;
  poll_until(
    [&] {
      one_leads();
      for (auto* m : {a.get(), b.get()})
        if (second == 0 && m->leading())
          second = submit_job(m->url(), "noop", "", 500, 5s);
      return second != 0;
    },
    60s);
  REQUIRE(second != 0);
  REQUIRE_MESSAGE(poll_until([&] { return succeeded({job, second}) == 3500; }, 120s),
                  "succeeded " << succeeded({job, second}) << "\n" << a->proc->err()
                               << b->proc->err());
  CHECK(stored_succeeded_reaching(3500) == 3500);
}

TEST_CASE_FIXTURE(ha_fixture, "Python and Node HTTP workers given both URLs follow the leader across a SIGKILL: every task runs and succeeds once") {
  DROVER_HA_OR_SKIP(db);
  // A grace like production's (seconds): the new leader keeps the leases
  // of the workers that come back with their results within it.
  start_managers(db, {}, "5000ms");
  const std::string src = DROVER_SOURCE_DIR;
  auto both = "--server=" + a->url() + "," + b->url();
  std::vector<std::string> common{both, "--types=t", "--concurrency=4", "--max-batch=16",
                                  "--wait-ms=500", "--sleep-ms=10"};
  auto start_worker = [&](const std::string& program, const std::string& name) {
    std::vector<std::string> argv{program, src + "/tests/support/http_worker." + name.substr(0, 2),
                                  "--worker=" + name, "--record=" + dir.path + "/" + name};
    argv.insert(argv.end(), common.begin(), common.end());
    return std::make_unique<child_process>(argv, dir.path + "/" + name);
  };
  auto py = start_worker("/usr/bin/python3", "py1");
  auto js = start_worker("/usr/bin/node", "js1");
  const uint64_t total = 2000;
  auto job = submit_job(a->url(), "t", "x", total);
  REQUIRE(job != 0);
  REQUIRE_MESSAGE(poll_until([&] { return succeeded({job}) >= 400; }, 60s),
                  py->err() << js->err());
  REQUIRE(succeeded({job}) < static_cast<long long>(total)); // the kill lands mid-run
  a->proc->signal(SIGKILL);
  CHECK(a->proc->wait(5s) == 128 + SIGKILL);
  REQUIRE_MESSAGE(poll_until([&] { return b->leading(); }, 10s), b->proc->err());
  REQUIRE_MESSAGE(poll_until([&] { return succeeded({job}) == static_cast<long long>(total); },
                             90s),
                  "succeeded: " << succeeded({job}) << "\n" << py->err() << js->err() << "\n"
                                << b->proc->err());
  auto doc = b->get(fmt::format("/v1/jobs/{}", job));
  REQUIRE(doc.is_object());
  CHECK(doc["counts"].value("SUCCEEDED", 0) == static_cast<int>(total));
  CHECK(doc["counts"].value("FAILED", 0) == 0);
  CHECK(stored_succeeded_reaching(total) == static_cast<long long>(total));
  py->signal(SIGTERM);
  js->signal(SIGTERM);
  CHECK(py->wait(30s) == 0);
  CHECK(js->wait(30s) == 0);
  // Each task ran once: one "ID LEASE" line per task in the two records.
  std::map<std::string, int> runs;
  size_t lines = 0;
  std::map<std::string, size_t> per_worker;
  for (std::string name : {"py1", "js1"}) {
    std::ifstream in(dir.path + "/" + name);
    for (std::string id, lease; in >> id >> lease;) {
      ++runs[id];
      ++lines;
      ++per_worker[name];
    }
  }
  size_t twice = 0;
  for (auto& [id, n] : runs)
    twice += n > 1;
  CHECK(runs.size() == total);
  CHECK(twice == 0);
  CHECK(lines == total);
  CHECK(per_worker["py1"] > 0);
  CHECK(per_worker["js1"] > 0);
  MESSAGE("python: " << py->out() << "node: " << js->out());
  // Both moved on from the killed leader (its URL came first) to the new one.
  CHECK(py->err().find("trying " + b->url()) != std::string::npos);
  CHECK(js->err().find("trying " + b->url()) != std::string::npos);
}

} // TEST_SUITE
