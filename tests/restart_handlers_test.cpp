// Users' handlers across a manager restart, with real processes: a worker
// mid-task when the manager dies keeps its result and ACKs it to the next
// manager (the task runs once); a consumer drained (SIGTERM) while the
// manager is down waits for it to confirm, then exits 0; with the manager
// gone for good the drain still ends at --drain-timeout; and the ready file
// of a consumer with a worker handler. The handler is the chaos test's
// Python worker, which appends "<task> <attempt> <lease> <outcome>" to a
// ledger for every execution. Waits are on ready files, the store and the
// ledger, every one bounded.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "http/httplib_abi.hpp"
#include "support/db_query.hpp"
#include "support/restart_procs.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct worker_setup {
  std::string ledger;
  std::string handlers_flag;
};

/// The chaos worker as a `chaos` handler with `processes` processes.
worker_setup chaos_worker(const std::string& dir, int processes) {
  worker_setup w{dir + "/ledger", "--handlers=" + dir + "/handlers.yaml"};
  std::ofstream{dir + "/handlers.yaml"} << fmt::format(
    "handlers:\n  chaos:\n    worker:\n"
    "      argv: [python3, {}/tests/support/chaos_worker.py]\n"
    "      processes: {}\n"
    "      env: {{set: {{CHAOS_LEDGER: \"{}\", PYTHONDONTWRITEBYTECODE: \"1\"}}}}\n",
    DROVER_SOURCE_DIR, processes, w.ledger);
  return w;
}

/// The ledger's lines as (task, lease).
std::vector<std::pair<int64_t, int64_t>> ledger_runs(const std::string& path) {
  std::vector<std::pair<int64_t, int64_t>> out;
  std::ifstream in{path};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss{line};
    int64_t id = 0, attempt = 0, lease = 0;
    if (ss >> id >> attempt >> lease)
      out.emplace_back(id, lease);
  }
  return out;
}

/// POST /v1/jobs of `n` chaos.sleep tasks of `ms` each; true if stored.
bool submit_sleeps(const manager_proc& m, int n, int ms) {
  httplib::Client http{"127.0.0.1", m.http_port};
  http.set_read_timeout(10, 0);
  auto body = fmt::format(R"({{"name":"nap","tasks":[{{"type":"chaos.sleep","payload":"{}",)"
                          R"("count":{}}}]}})", ms, n);
  auto res = http.Post("/v1/jobs", body, "application/json");
  return res && res->status == 201;
}

int64_t leased(const manager_proc& m) {
  return query_int(m.db, "SELECT count(*) FROM tasks WHERE state IN (1, 2)");
}

} // namespace

TEST_SUITE("restarts with handlers") {

TEST_CASE("a worker mid-task when the manager dies: the result is kept and ACKed after the restart") {
  scratch_dir dir;
  manager_proc m(dir.path, {"--grace=2000"});
  REQUIRE(m.start());
  auto w = chaos_worker(dir.path, 2);
  auto c1 = member(dir.path, "c1", {"--role=consumer", m.registry(), "--node=c1", "--capacity=2",
                                    "--threads=1", w.handlers_flag});
  REQUIRE(submit_sleeps(m, 2, 2500));
  REQUIRE(eventually([&] { return leased(m) == 2; }, 10s));
  m.proc->signal(SIGKILL);
  REQUIRE(m.proc->wait(5s) == 128 + SIGKILL);
  // Both workers finish while no manager exists; the consumer keeps running.
  REQUIRE(eventually([&] { return ledger_runs(w.ledger).size() == 2; }, 10s));
  CHECK(c1->running());
  REQUIRE(m.start());
  INFO("c1: " << c1->err() << "\nmanager: " << m.proc->err());
  REQUIRE(eventually([&] {
    return query_int(m.db, "SELECT count(*) FROM tasks WHERE state=3") == 2;
  }, 20s));
  // Completed by the executions that ran while the manager was away, not by
  // new ones: the same leases, nothing moved, nothing ran twice.
  auto runs = ledger_runs(w.ledger);
  CHECK(runs.size() == 2);
  for (auto& [id, lease] : runs)
    CHECK(query_int(m.db, fmt::format("SELECT lease_version FROM tasks WHERE id={}", id)) == lease);
  CHECK(query_int(m.db, "SELECT count(*) FROM events WHERE kind=7") == 0); // reassigned
  CHECK(c1->err().find("holding 2 leases") != std::string::npos);
  stop_cleanly({c1.get(), m.proc.get()});
}

TEST_CASE("SIGTERM while the manager is down: the drain waits for it, then exits 0 with the result stored") {
  scratch_dir dir;
  manager_proc m(dir.path, {"--grace=2000"});
  REQUIRE(m.start());
  auto w = chaos_worker(dir.path, 1);
  auto c1 = member(dir.path, "c1", {"--role=consumer", m.registry(), "--node=c1", "--capacity=1",
                                    "--threads=1", "--drain-timeout=30000", w.handlers_flag});
  REQUIRE(submit_sleeps(m, 1, 1500));
  REQUIRE(eventually([&] { return leased(m) == 1; }, 10s));
  m.proc->signal(SIGKILL);
  REQUIRE(m.proc->wait(5s) == 128 + SIGKILL);
  c1->signal(SIGTERM);
  REQUIRE(eventually([&] { return ledger_runs(w.ledger).size() == 1; }, 10s));
  // Finished, but nobody stored the result yet: the consumer waits.
  std::this_thread::sleep_for(500ms);
  CHECK(c1->running());
  REQUIRE(m.start());
  INFO("c1: " << c1->err() << "\nmanager: " << m.proc->err());
  CHECK(c1->wait(20s) == 0);
  CHECK(c1->err().find("drained") != std::string::npos);
  CHECK(query_int(m.db, "SELECT count(*) FROM tasks WHERE state=3") == 1);
  auto runs = ledger_runs(w.ledger);
  REQUIRE(runs.size() == 1); // ran once
  CHECK(query_int(m.db, "SELECT lease_version FROM tasks") == runs[0].second);
  stop_cleanly({m.proc.get()});
}

TEST_CASE("SIGTERM with the manager gone for good: the consumer ends at --drain-timeout") {
  scratch_dir dir;
  manager_proc m(dir.path, {"--grace=2000"});
  REQUIRE(m.start());
  auto w = chaos_worker(dir.path, 1);
  auto c1 = member(dir.path, "c1", {"--role=consumer", m.registry(), "--node=c1", "--capacity=1",
                                    "--threads=1", "--drain-timeout=1500", w.handlers_flag});
  REQUIRE(submit_sleeps(m, 1, 60000));
  REQUIRE(eventually([&] { return leased(m) == 1; }, 10s));
  m.proc->signal(SIGKILL);
  REQUIRE(m.proc->wait(5s) == 128 + SIGKILL);
  auto t0 = std::chrono::steady_clock::now();
  c1->signal(SIGTERM);
  INFO("c1: " << c1->err());
  CHECK(c1->wait(10s) == 0);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 1400ms); // the running task had its drain time
  CHECK(took < 8s);
  CHECK(c1->err().find("the manager is away") != std::string::npos);
  CHECK(ledger_runs(w.ledger).empty()); // the worker was stopped, not finished
}

TEST_CASE("a consumer with a worker handler writes its ready file once registered, and runs at once") {
  scratch_dir dir;
  manager_proc m(dir.path);
  REQUIRE(m.start());
  auto w = chaos_worker(dir.path, 1);
  auto ready = dir.path + "/c1.ready";
  child_process c1({DROVER_BINARY, "run", "--role=consumer", m.registry(), "--node=c1",
                    "--threads=1", w.handlers_flag, "--ready-file=" + ready},
                   dir.path + "/c1");
  REQUIRE(wait_file(ready, 30s));
  std::ifstream in{ready};
  auto doc = nlohmann::json::parse(in, nullptr, false);
  CHECK(doc["node"] == "c1");
  CHECK(doc["pid"].get<int64_t>() > 0);
  CHECK(doc["registry"].is_null()); // it joins one, it does not run one
  REQUIRE(submit_sleeps(m, 3, 10));
  CHECK(eventually([&] {
    return query_int(m.db, "SELECT count(*) FROM tasks WHERE state=3") == 3;
  }, 15s));
  CHECK(ledger_runs(w.ledger).size() == 3);
  stop_cleanly({&c1, m.proc.get()});
}

} // TEST_SUITE
