// Graceful drain with real processes: SIGTERM on a consumer stops its new
// work, lets running tasks finish within --drain-timeout, hands the rest
// back at once (no grace) and exits 0; Ctrl-C of a producer whose job did
// not finish exits non-zero. 127.0.0.1, OS-picked ports, bounded waits.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "support/exec_node.hpp"
#include "support/process.hpp"
#include "tests/unit/exec_support.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// True if an event in task `t`'s history says `text`.
bool has_detail(const json& t, const std::string& text) {
  for (auto& e : t["history"])
    if (e["detail"].get<std::string>().find(text) != std::string::npos)
      return true;
  return false;
}

struct drain_fixture {
  scratch_dir dir;
  rest_node mgr{{"--role=registry,manager", "--store=memory", "--grace=10000"},
                dir.path + "/manager"};
  std::string registry = "--registry=127.0.0.1:" + std::to_string(mgr.registry_port);

  /// `log` names the process's log and ready files (default: the node);
  /// a node that comes back gets its own, so nothing of the first is read.
  std::unique_ptr<child_process> consumer(const std::string& node, const std::string& drain,
                                          const std::string& handlers = {},
                                          const std::string& log = {},
                                          std::vector<std::string> extra = {}) {
    std::vector<std::string> args{DROVER_BINARY, "run", "--role=consumer", registry,
                                  "--node=" + node, "--drain-timeout=" + drain, "--threads=2"};
    if (!handlers.empty())
      args.push_back("--handlers=" + handlers);
    args.insert(args.end(), extra.begin(), extra.end());
    auto c = std::make_unique<ready_process>(args, dir.path + "/" + (log.empty() ? node : log));
    c->ready();
    return c;
  }
  std::string submit_sleep(int ms) {
    auto job = submit_job(*mgr.http, json{{"name", "d"},
                                          {"tasks", json::array({{{"type", "sleep"},
                                                                  {"payload", std::to_string(ms)}}})}});
    return job["task_ids"][0].get<std::string>();
  }
};

} // namespace

TEST_SUITE("drain") {

TEST_CASE_FIXTURE(drain_fixture, "SIGTERM lets a running task finish within the drain timeout, then exits 0") {
  auto c1 = consumer("c1", "5000");
  auto id = submit_sleep(800);
  wait_task_state(*mgr.http, id, "RUNNING", 5s);
  c1->signal(SIGTERM);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(c1->wait(10s) == 0);
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("the consumer exited " << took << " s after SIGTERM (its task had up to 0.8 s left)");
  auto t = get_json(*mgr.http, "/v1/tasks/" + id);
  CHECK(t["state"] == "SUCCEEDED");
  CHECK(t["consumer"] == "c1");
  CHECK_FALSE(has_event(t, "reassigned"));
  CHECK(executed_by(*c1) == 1);
}

TEST_CASE_FIXTURE(drain_fixture, "past the drain timeout running tasks go back at once and run elsewhere") {
  auto c1 = consumer("c1", "300");
  auto id = submit_sleep(1500);
  wait_task_state(*mgr.http, id, "RUNNING", 5s);
  auto c2 = consumer("c2", "300"); // joins after c1 took the task
  c1->signal(SIGTERM);
  CHECK(c1->wait(5s) == 0);
  // Handed back at once: no 10 s grace (the manager's --grace) before it moves.
  auto t = wait_task_state(*mgr.http, id, "SUCCEEDED", 5s);
  INFO(t.dump());
  CHECK(t["consumer"] == "c2");
  CHECK(t["attempt"] == 1); // a hand-back is not the task's failure
  CHECK(has_detail(t, "handed back at the drain timeout"));
  CHECK(executed_by(*c1) == 0);
  // A drained consumer that comes back under its name gets work again.
  auto again = consumer("c1", "300", {}, "c1-again");
  c2->signal(SIGTERM);
  CHECK(c2->wait(5s) == 0);
  auto id2 = submit_sleep(10);
  CHECK(wait_task_state(*mgr.http, id2, "SUCCEEDED", 5s)["consumer"] == "c1");
}

TEST_CASE_FIXTURE(drain_fixture, "tasks waiting at a drained consumer go back at once and run elsewhere, once") {
  auto c1 = consumer("c1", "5000", {}, {}, {"--capacity=1", "--prefetch=3"});
  // A short task first: the manager counts c1's prefetch once it has seen
  // its tasks are short.
  wait_task_state(*mgr.http, submit_sleep(1), "SUCCEEDED", 5s);
  auto job = submit_job(*mgr.http, json{{"name", "d"},
                                        {"tasks", json::array({{{"type", "sleep"}, {"payload", "1500"}},
                                                               {{"type", "sleep"}, {"payload", "1"}},
                                                               {{"type", "sleep"}, {"payload", "1"}},
                                                               {{"type", "sleep"}, {"payload", "1"}}})}});
  std::vector<std::string> ids;
  for (auto& id : job["task_ids"])
    ids.push_back(id.get<std::string>());
  wait_task_state(*mgr.http, ids[0], "RUNNING", 5s);
  for (size_t i = 1; i < ids.size(); ++i) { // leased to c1, waiting for its one slot
    auto t = get_json(*mgr.http, "/v1/tasks/" + ids[i]);
    CHECK(t["state"] == "ASSIGNED");
    CHECK(t["consumer"] == "c1");
  }
  auto c2 = consumer("c2", "5000");
  c1->signal(SIGTERM);
  for (size_t i = 1; i < ids.size(); ++i) { // back at once: they run on c2 while c1 drains
    auto t = wait_task_state(*mgr.http, ids[i], "SUCCEEDED", 3s);
    INFO(t.dump());
    CHECK(t["consumer"] == "c2");
    CHECK(t["attempt"] == 1);
    CHECK(has_detail(t, "handed back while draining (not begun)"));
  }
  CHECK(c1->wait(10s) == 0); // its running task finished first
  auto t = get_json(*mgr.http, "/v1/tasks/" + ids[0]);
  CHECK(t["state"] == "SUCCEEDED");
  CHECK(t["consumer"] == "c1");
  CHECK(executed_by(*c1) == 2); // the short one and the long one
  c2->signal(SIGTERM);
  CHECK(c2->wait(5s) == 0);
  CHECK(executed_by(*c2) == 3);
}

TEST_CASE_FIXTURE(drain_fixture, "a drained exec task is handed back and its process group stopped") {
  auto pidfile = dir.path + "/script.pid";
  auto handlers = dir.path + "/h.yaml";
  std::ofstream{handlers} << "handlers:\n  tree:\n    exec:\n      argv: [sh, -c, \"sleep 1000 & "
                             "echo $$ > " + pidfile + "; wait\"]\n      kill_grace: 300ms\n";
  auto c1 = consumer("c1", "300", handlers);
  auto job = submit_job(*mgr.http, json{{"name", "d"},
                                        {"tasks", json::array({{{"type", "tree"}}})}});
  auto id = job["task_ids"][0].get<std::string>();
  auto pgid = wait_pid_file(pidfile, 10s);
  REQUIRE(pgid > 0);
  c1->signal(SIGTERM);
  CHECK(c1->wait(5s) == 0);
  CHECK(wait_group_empty(pgid, 2s) < 2s);
  auto t = wait_task_state(*mgr.http, id, "PENDING", 2s); // no other consumer: it waits
  CHECK(t["attempt"] == 1);
}

TEST_CASE("Ctrl-C of a producer whose job did not finish exits non-zero") {
  scratch_dir dir;
  rest_node node{{"--store=memory", "--tasks=1", "--type=sleep", "--payload=60000"},
                 dir.path + "/p"};
  auto& p = *node.proc;
  wait_task_state(*node.http, "1", "RUNNING", 10s); // the job's one task
  p.signal(SIGINT);
  CHECK(p.wait(10s) == 1);
  CHECK(p.err().find("stopped before the job finished") != std::string::npos);
}

} // TEST_SUITE
