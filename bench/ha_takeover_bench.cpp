// Takeover between manager processes sharing a PostgreSQL store (README
// "Running a production cluster"): two managers on 127.0.0.2 and
// 127.0.0.3, two consumers given both registries, a long job of short
// sleep tasks running throughout. Three measurements:
//   kill:  SIGKILL the leader -> the standby's first assignment (its
//          /v1/overview "assignments" > 0), polled every 5 ms; p50/p99.
//   clean: SIGTERM the leader -> the standby leads (/v1/overview answers).
//   load:  N leader kills under load, then the job must end with every
//          acknowledged task SUCCEEDED once (REST and the store agree).
// The killed or stopped manager is started again as the next standby (its
// supervisor's job in production). Starts its own PostgreSQL 15.
//
//   ha_takeover_bench DROVER_BINARY [--kills=20] [--cleans=20] [--load-kills=50]
//                     [--backlog=120000] [--capacity=4]
// The new leader loads every unfinished task before it assigns: the
// backlog sets how much it loads.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/support/ha_cluster.hpp"
#include "tests/support/pg_server.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct bench {
  std::string binary;
  std::string dir;
  pg_server pg;
  std::string db, url;
  std::unique_ptr<ha_manager> m[2];
  std::vector<std::unique_ptr<drover::replay::child>> consumers;
  int leader = 0;
  uint64_t acknowledged = 0; ///< tasks in jobs the leader answered 201 for
  uint64_t backlog = 120000; ///< the first job's tasks (--backlog)
  int capacity = 4;          ///< per consumer (--capacity)
  std::vector<uint64_t> jobs;

  int unplanned = 0; ///< managers that exited on their own (a step-down: code 3)

  /// Starts again any manager that exited without being told to, as its
  /// supervisor (systemd Restart=) would, and counts it: a healthy leader
  /// should never step down, so this says how often one did.
  void revive() {
    for (auto& mgr : m)
      if (mgr && mgr->proc && !mgr->proc->running()) {
        ++unplanned;
        std::printf("unplanned exit of %s (status %d); started again\n", mgr->proc->name().c_str(),
                    mgr->proc->status());
        mgr->start();
      }
  }

  long long assignments(ha_manager& mgr) {
    auto doc = mgr.get("/v1/overview");
    return doc.is_object() ? doc.value("assignments", -1LL) : -1;
  }

  bool start() {
    if (auto why = pg.start(); !why.empty()) {
      std::fprintf(stderr, "postgres: %s\n", why.c_str());
      return false;
    }
    db = pg.create_database("ha_bench");
    url = pg.url(db);
    std::vector<std::string> extra{"--grace=1000ms", "--log-level=warn"};
    m[0] = std::make_unique<ha_manager>(dir, "ma", "127.0.0.2", url, extra);
    m[1] = std::make_unique<ha_manager>(dir, "mb", "127.0.0.3", url, extra);
    m[0]->binary = m[1]->binary = binary;
    if (!m[0]->start() || !poll_until([&] { return m[0]->leading(); }, 20s))
      return false;
    if (!m[1]->start())
      return false;
    auto regs = "--registry=" + m[0]->registry() + "," + m[1]->registry();
    for (int i = 1; i <= 2; ++i)
      consumers.push_back(std::make_unique<drover::replay::child>(
        std::vector<std::string>{binary, "run", "--role=consumer", fmt::format("--node=c{}", i),
                                 regs, fmt::format("--capacity={}", capacity), "--threads=2",
                                 "--log-level=warn",
                                 fmt::format("--ready-file={}/c{}.ready", dir, i)},
        dir, fmt::format("c{}", i)));
    return submit(backlog) && poll_until([&] { return assignments(*m[0]) > 0; }, 30s);
  }

  /// A job of `n` 10 ms tasks (2 consumers x 4 slots: ~800 tasks/s, so
  /// work is pending throughout the kills).
  bool submit(uint64_t n) {
    auto id = submit_job(m[leader]->url(), "sleep", "10", n, 120s);
    if (id == 0)
      return false;
    jobs.push_back(id);
    acknowledged += n;
    return true;
  }

  /// The standby is up and names the leader.
  bool standby_ready(int i) {
    return poll_until([&] { return m[i]->probe("/healthz").second == m[1 - i]->url(); }, 30s);
  }

  /// Stops the leader with `sig`; ms until the standby's first assignment
  /// (kill) or until it serves as leader (clean).
  double takeover(int sig, bool wait_assignment) {
    revive();
    // Whoever leads now (an unplanned step-down may have moved the lease).
    if (m[1 - leader]->leading())
      leader = 1 - leader;
    int old = leader, next = 1 - leader;
    if (!standby_ready(next))
      return -1;
    auto t0 = clock_type::now();
    m[old]->proc->signal(sig);
    bool ok = poll_until(
      [&] {
        auto a = assignments(*m[next]);
        return wait_assignment ? a > 0 : a >= 0;
      },
      20s);
    auto ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
    m[old]->proc->wait(30s);
    leader = next;
    if (!ok || !m[old]->start())
      return -1;
    return ms;
  }

  void series(const char* what, int n, int sig, bool wait_assignment) {
    std::vector<double> ms;
    for (int i = 0; i < n; ++i) {
      auto t = takeover(sig, wait_assignment);
      if (t < 0) {
        std::printf("%s: run %d FAILED\n", what, i + 1);
        return;
      }
      ms.push_back(t);
      std::this_thread::sleep_for(300ms); // a few renewals by the new leader
    }
    if (ms.empty())
      return;
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
    std::printf("%s: n=%zu min=%.0f p50=%.0f p99=%.0f max=%.0f ms\n", what, ms.size(), ms.front(),
                at(0.5), at(0.99), ms.back());
  }

  void verify() {
    // Let the job end: every task of every acknowledged job SUCCEEDED once.
    long long done = -1;
    poll_until(
      [&] {
        revive();
        done = 0;
        for (auto j : jobs)
          done += std::max(0LL, succeeded_of({m[0].get(), m[1].get()}, j));
        return done == static_cast<long long>(acknowledged);
      },
      600s);
    auto stored = pg.query_int(db, "SELECT count(*) FROM tasks WHERE state = 3");
    auto all = pg.query_int(db, "SELECT count(*) FROM tasks");
    std::printf("load: acknowledged %llu tasks; REST says %lld SUCCEEDED; store holds %lld "
                "tasks, %lld SUCCEEDED -> lost %lld, not done %lld\n",
                static_cast<unsigned long long>(acknowledged), done, all, stored,
                static_cast<long long>(acknowledged) - all,
                static_cast<long long>(acknowledged) - stored);
    std::printf("unplanned manager exits (step-downs) over the whole run: %d\n", unplanned);
  }
};

int flag(int argc, char** argv, const char* name, int dflt) {
  std::string prefix = std::string{"--"} + name + "=";
  for (int i = 2; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      return std::atoi(argv[i] + prefix.size());
  return dflt;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ha_takeover_bench DROVER_BINARY [--kills=20] [--cleans=20] "
                         "[--load-kills=50]\n");
    return 2;
  }
  if (auto why = pg_server::unavailable(); !why.empty()) {
    std::fprintf(stderr, "PostgreSQL 15 is not installed: %s\n", why.c_str());
    return 2;
  }
  if (!loopback_hosts_usable()) {
    std::fprintf(stderr, "127.0.0.2/127.0.0.3 cannot be bound here\n");
    return 2;
  }
  char tmpl[] = "/tmp/drover-ha-bench-XXXXXX";
  bench b;
  b.binary = argv[1];
  b.dir = ::mkdtemp(tmpl);
  b.backlog = static_cast<uint64_t>(flag(argc, argv, "backlog", 120000));
  b.capacity = flag(argc, argv, "capacity", 4);
  std::printf("scratch dir: %s\n", b.dir.c_str());
  if (!b.start()) {
    std::fprintf(stderr, "the cluster did not start; logs in %s\n", b.dir.c_str());
    return 1;
  }
  b.series("kill -> first assignment", flag(argc, argv, "kills", 20), SIGKILL, true);
  b.series("clean stop -> standby leads", flag(argc, argv, "cleans", 20), SIGTERM, false);
  int load_kills = flag(argc, argv, "load-kills", 50);
  for (int i = 0; i < load_kills; ++i) {
    if (i % 10 == 0)
      b.submit(20000); // acknowledged work arrives during the kills too
    if (b.takeover(SIGKILL, true) < 0) {
      std::printf("load: kill %d FAILED\n", i + 1);
      break;
    }
  }
  b.verify();
  // Each consumer's exit record counts the tasks it ran: more runs than
  // tasks means some task ran twice across the takeovers.
  long long ran = 0;
  for (auto& c : b.consumers) {
    c->signal(SIGTERM);
    c->wait(30s);
    auto doc = drover::replay::read_ready(c->ready_file());
    ran += doc && doc->exited ? doc->executed : -1000000000LL;
  }
  std::printf("runs: consumers ran %lld tasks for %llu acknowledged -> ran twice %lld\n", ran,
              static_cast<unsigned long long>(b.acknowledged),
              ran - static_cast<long long>(b.acknowledged));
  for (auto& m : b.m)
    if (m && m->proc)
      m->proc->signal(SIGTERM);
  return 0;
}
