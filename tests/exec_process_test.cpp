// Users' handlers in real `drover run` processes: blocking work never
// starves heartbeats, capacity N runs N at once, cancel and a consumer
// SIGKILL leave no descendants, non-retryable exits fail at once with the
// stderr in the task's history, and a handlers file is hot-swapped (a bad
// edit keeps the old set). 127.0.0.1, OS-picked ports, bounded waits.
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

json job_of(const std::string& type, const std::string& payload, int count = 1,
            int max_attempts = 1) {
  return json{{"name", "t"},
              {"tasks", json::array({{{"type", type}, {"payload", payload}, {"count", count},
                                      {"max_attempts", max_attempts}}})}};
}

std::string write(const std::string& path, const std::string& text) {
  std::ofstream{path} << text;
  return path;
}

} // namespace

TEST_SUITE("exec process") {

TEST_CASE("a blocking 6 s task with heartbeats on succeeds exactly once with no reassignment") {
  scratch_dir dir;
  auto handlers = write(dir.path + "/h.yaml",
                        "handlers:\n  block: { exec: { argv: [sleep, \"6\"] } }\n");
  rest_node node{{"--store=memory", "--handlers=" + handlers, "--heartbeat=1000",
                  "--heartbeat-misses=3", "--capacity=2"},
                 dir.path + "/node"};
  auto job = submit_job(*node.http, job_of("block", ""));
  auto done = wait_job(*node.http, job["job_id"], 20s);
  CHECK(done["counts"]["SUCCEEDED"] == 1);
  auto task = get_json(*node.http, "/v1/tasks/" + job["task_ids"][0].get<std::string>());
  INFO(task.dump());
  CHECK(task["attempt"] == 1);
  CHECK_FALSE(has_event(task, "reassigned"));
  CHECK_FALSE(has_event(task, "stale_ack"));
  node.proc->signal(SIGTERM);
  CHECK(node.proc->wait(10s) == 0);
  CHECK(executed_by(*node.proc) == 1);
}

TEST_CASE("4 blocking 1 s tasks on capacity 4 run at once") {
  scratch_dir dir;
  auto handlers = write(dir.path + "/h.yaml",
                        "handlers:\n  nap: { exec: { argv: [sleep, \"1\"] } }\n");
  rest_node node{{"--store=memory", "--handlers=" + handlers, "--capacity=4"},
                 dir.path + "/node"};
  auto t0 = std::chrono::steady_clock::now();
  auto job = submit_job(*node.http, job_of("nap", "", 4));
  auto done = wait_job(*node.http, job["job_id"], 15s);
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(done["counts"]["SUCCEEDED"] == 4);
  auto ran = (done["finished_ms"].get<int64_t>() - done["started_ms"].get<int64_t>()) / 1000.0;
  MESSAGE("4 x 1 s on capacity 4: " << ran << " s from first assignment to last finish ("
                                    << took << " s as the client saw it)");
  CHECK(ran < 2.0); // one after the other would take 4 s
}

TEST_CASE("a cancelled script leaves no descendant within kill_grace + 200 ms") {
  scratch_dir dir;
  auto pidfile = dir.path + "/script.pid";
  auto handlers = write(dir.path + "/h.yaml",
                        "handlers:\n  tree:\n    exec:\n      argv: [sh, -c, \"sleep 1000 & "
                        "sleep 1000 & echo $$ > " + pidfile + "; wait\"]\n      kill_grace: 500ms\n");
  rest_node node{{"--store=memory", "--handlers=" + handlers}, dir.path + "/node"};
  auto job = submit_job(*node.http, job_of("tree", ""));
  auto id = job["task_ids"][0].get<std::string>();
  auto pgid = wait_pid_file(pidfile, 10s);
  REQUIRE(pgid > 0);
  for (int i = 0; i < 300 && live_in_group(pgid) < 3; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(live_in_group(pgid) == 3);
  auto res = node.http->Post(("/v1/tasks/" + id + "/cancel").c_str(), "", "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto took = wait_group_empty(pgid, 5s);
  MESSAGE("descendants gone " << took.count() << " ms after the cancel (kill_grace 500 ms)");
  CHECK(took.count() <= 700);
  CHECK(wait_task_state(*node.http, id, "CANCELLED", 5s)["state"] == "CANCELLED");
}

TEST_CASE("a consumer restarted after SIGKILL kills the process groups its predecessor left") {
  scratch_dir dir;
  auto pidfile = dir.path + "/script.pid";
  auto handlers = write(dir.path + "/h.yaml",
                        "handlers:\n  tree:\n    exec:\n      argv: [sh, -c, \"sleep 1000 & "
                        "sleep 1000 & echo $$ > " + pidfile + "; wait\"]\n      kill_grace: 500ms\n");
  rest_node mgr{{"--role=registry,manager", "--store=memory"}, dir.path + "/manager"};
  auto registry = "--registry=127.0.0.1:" + std::to_string(mgr.registry_port);
  std::vector<std::string> consumer_args{DROVER_BINARY, "run", "--role=consumer", registry,
                                         "--node=cx", "--data-dir=" + dir.path,
                                         "--handlers=" + handlers, "--threads=2"};
  auto first = std::make_unique<ready_process>(consumer_args, dir.path + "/c1");
  first->ready();
  submit_job(*mgr.http, job_of("tree", ""));
  auto pgid = wait_pid_file(pidfile, 10s);
  REQUIRE(pgid > 0);
  for (int i = 0; i < 300 && live_in_group(pgid) < 3; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(live_in_group(pgid) == 3);
  first->signal(SIGKILL);
  first->wait(5s);
  // The leader died with the consumer (PR_SET_PDEATHSIG); its children did not.
  for (int i = 0; i < 100 && live_in_group(pgid) != 2; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(live_in_group(pgid) == 2);
  auto t0 = std::chrono::steady_clock::now();
  ready_process second(consumer_args, dir.path + "/c2");
  auto took = wait_group_empty(pgid, 5s);
  MESSAGE("the restarted consumer cleaned up " << took.count() << " ms after it was started");
  CHECK(took < 5s);
  second.ready();
  CHECK(live_in_group(pgid) == 0);
  CHECK(second.err().find("killed process group " + std::to_string(pgid)) != std::string::npos);
  (void) t0;
}

TEST_CASE("a no-retry exit code fails the task at once, with its stderr in the history") {
  scratch_dir dir;
  auto handlers = write(dir.path + "/h.yaml",
                        "handlers:\n  strict:\n    exec:\n      argv: [sh, -c, \"echo reading "
                        "$0 >&2; echo bad input >&2; exit 2\", \"{payload}\"]\n"
                        "      no_retry_exit_codes: [2]\n"
                        "  flaky: { exec: { argv: [sh, -c, \"echo oops >&2; exit 1\"] } }\n");
  rest_node node{{"--store=memory", "--handlers=" + handlers}, dir.path + "/node"};
  auto job = submit_job(*node.http, job_of("strict", "a.csv", 1, 3));
  wait_job(*node.http, job["job_id"], 10s);
  auto task = get_json(*node.http, "/v1/tasks/" + job["task_ids"][0].get<std::string>());
  INFO(task.dump());
  CHECK(task["state"] == "FAILED");
  CHECK(task["attempt"] == 1); // 3 allowed, 1 run
  CHECK(task["result"] == "exit code 2: bad input");
  bool found = false;
  for (auto& e : task["history"])
    found = found || (e["event"] == "log" && e["detail"] == "reading a.csv\nbad input\n");
  CHECK(found);
  // A retryable failure uses its attempts, each with its own stderr.
  job = submit_job(*node.http, job_of("flaky", "", 1, 2));
  wait_job(*node.http, job["job_id"], 10s);
  task = get_json(*node.http, "/v1/tasks/" + job["task_ids"][0].get<std::string>());
  CHECK(task["state"] == "FAILED");
  CHECK(task["attempt"] == 2);
  int logs = 0;
  for (auto& e : task["history"])
    logs += e["event"] == "log" ? 1 : 0;
  CHECK(logs == 2);
}

TEST_CASE("a changed handlers file is swapped in, a bad one leaves the old set in force") {
  scratch_dir dir;
  auto path = write(dir.path + "/h.yaml", "handlers:\n  say: { exec: { argv: [echo, A] } }\n");
  rest_node node{{"--store=memory", "--handlers=" + path, "--handlers-poll=100"},
                 dir.path + "/node"};
  auto result_of = [&](const std::string& type) {
    auto job = submit_job(*node.http, job_of(type, ""));
    wait_job(*node.http, job["job_id"], 10s);
    return get_json(*node.http, "/v1/tasks/" + job["task_ids"][0].get<std::string>())["result"]
      .get<std::string>();
  };
  CHECK(result_of("say") == "A\n");
  write(path, "handlers:\n  say: { exec: { argv: [echo, B] } }\n  shout: { exec: { argv: [echo, C] } }\n");
  std::string now;
  for (int i = 0; i < 50 && now != "B\n"; ++i) {
    std::this_thread::sleep_for(100ms);
    now = result_of("say");
  }
  CHECK(now == "B\n");
  CHECK(result_of("shout") == "C\n");
  write(path, "handlers:\n  say: { exec: { argv: [echo, D], shell: yes } }\n");
  // The operator hears of it where alerts are kept, with where the file is wrong.
  auto alert_about = [&](const std::string& what) {
    for (auto& a : get_json(*node.http, "/v1/alerts").value("alerts", json::array()))
      if (a.value("text", "").find(what) != std::string::npos)
        return true;
    return false;
  };
  bool alerted = false;
  for (int i = 0; i < 50 && !alerted; ++i) {
    std::this_thread::sleep_for(100ms);
    alerted = alert_about("h.yaml:2:35: unknown key 'shell'");
  }
  REQUIRE(alerted);
  CHECK(result_of("say") == "B\n");
  CHECK(result_of("shout") == "C\n");
}

TEST_CASE("a crash-looping worker raises an alert the manager keeps") {
  scratch_dir dir;
  auto handlers = write(dir.path + "/h.yaml", "handlers:\n  bad: { worker: { argv: [sh, -c, "
                                              "\"echo cannot start >&2; exit 1\"] } }\n");
  rest_node node{{"--store=memory", "--handlers=" + handlers}, dir.path + "/node"};
  json alerts = json::object();
  for (int i = 0; i < 150 && alerts.value("alerts", json::array()).empty(); ++i) {
    std::this_thread::sleep_for(100ms);
    alerts = get_json(*node.http, "/v1/alerts");
  }
  REQUIRE_FALSE(alerts["alerts"].empty());
  auto text = alerts["alerts"][0]["text"].get<std::string>();
  CHECK(text.find("worker pool bad is crash-looping") == 0);
  CHECK(text.find("its last stderr line: cannot start") != std::string::npos);
}

TEST_CASE("a bad handlers file at start is refused with file:line:column and exit code 2") {
  scratch_dir dir;
  auto path = write(dir.path + "/h.yaml",
                    "handlers:\n  a: { exec: { argv: [no-such-prog-drover], timeout: -1s } }\n");
  child_process p({DROVER_BINARY, "run", "--store=memory", "--listen=127.0.0.1:0", "--http=off",
                   "--handlers=" + path},
                  dir.path + "/p");
  CHECK(p.wait(10s) == 2);
  CHECK(p.err().find("h.yaml:2:23: the program 'no-such-prog-drover' was not found on PATH")
        != std::string::npos);
  CHECK(p.err().find("h.yaml:2:54: 'timeout' must be a duration") != std::string::npos);
}

} // TEST_SUITE
