// The client commands (cli/commands.hpp) parsed from argv and run against
// the real server over a fake backend: output, exit codes and what reached
// the backend.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "http_fake_jobs.hpp"
#include "http_fake_nodes.hpp"
#include "http_fake_rules.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;

namespace {

using cli_fakes = fakes<fake_jobs, fake_nodes, fake_rules>;
using server_fixture = fake_server<cli_fakes>;
using token_fixture = token_server<cli_fakes>;

struct cli_result {
  int code = -1;
  std::string out;
  std::string err;
};

/// Parses `args` as `drover ARGS...` and runs the client command.
cli_result run_cli(std::vector<std::string> args, apply_rules_hook hook = {}, bool tty = false,
                   get_rules_hook get = {}) {
  ::unsetenv("DROVER_TOKEN"); // the tests pass tokens explicitly
  CLI::App app{"drover"};
  auto cmds = add_client_commands(app, std::move(hook), std::move(get));
  std::vector<const char*> argv{"drover"};
  for (auto& a : args)
    argv.push_back(a.c_str());
  cli_result r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    r.code = 2;
    r.err = e.what();
    return r;
  }
  std::ostringstream out, err;
  auto code = run_client_command(*cmds, out, err, tty);
  REQUIRE(code.has_value());
  r.code = *code;
  r.out = out.str();
  r.err = err.str();
  return r;
}

/// A file in a fresh temp directory, removed at the end of the test.
struct temp_file {
  std::string dir;
  std::string path;
  explicit temp_file(const std::string& text, const char* name = "f.json") {
    char tmpl[] = "/tmp/drover_http_test_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir + "/" + name;
    std::ofstream{path} << text;
  }
  ~temp_file() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("http_client") {

TEST_CASE_FIXTURE(server_fixture, "submit --tasks sends N tasks from flags") {
  auto r = run_cli({"submit", "--tasks=3", "--type=echo", "--payload=hi", "--priority=high",
                    "--name=demo", "--server=" + url()});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(contains(r.out, "job 1 submitted: 3 tasks (m1_1700000000000_1 .. m1_1700000000000_3)"));
  REQUIRE(backend.submitted.size() == 1);
  auto& job = backend.submitted[0];
  CHECK(job.name == "demo");
  REQUIRE(job.tasks.size() == 3);
  CHECK(job.tasks[2].payload == "hi");
  CHECK(job.tasks[2].prio == priority::high);
}

TEST_CASE_FIXTURE(server_fixture, "submit FILE.json sends the file; --json prints the reply") {
  temp_file f{R"({"name": "from-file", "tasks": [{"type": "noop"}, {"type": "echo"}]})"};
  auto r = run_cli({"submit", f.path, "--json", "--server=" + url()});
  INFO(r.err);
  CHECK(r.code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["job_id"] == 1);
  CHECK(doc["task_ids"].size() == 2);
  CHECK(backend.submitted.at(0).name == "from-file");
}

TEST_CASE_FIXTURE(server_fixture, "submit refuses bad usage with exit 2 and sends nothing") {
  temp_file f{R"({"name": "x", "tasks": [{"type": "noop", "priority": "urgent"}]})"};
  auto bad = run_cli({"submit", f.path, "--server=" + url()});
  CHECK(bad.code == 2);
  CHECK(bad.err == "drover: " + f.path
                     + ": tasks[0].priority: expected one of high, normal, low, got \"urgent\"\n");
  auto missing = run_cli({"submit", f.dir + "/nope.json", "--server=" + url()});
  CHECK(missing.code == 2);
  CHECK(contains(missing.err, "cannot read " + f.dir + "/nope.json"));
  CHECK(run_cli({"submit", "--server=" + url()}).code == 2);
  CHECK(run_cli({"submit", f.path, "--tasks=2", "--server=" + url()}).code == 2);
  auto prio = run_cli({"submit", "--tasks=2", "--priority=asap", "--server=" + url()});
  CHECK(prio.code == 2);
  CHECK(contains(prio.err, "--priority: 'asap' is not high, normal or low"));
  CHECK(backend.submitted.empty());
}

TEST_CASE_FIXTURE(server_fixture, "submit --wait prints a plain line per poll and exits 0 when all succeed") {
  backend.progress_per_poll = 1;
  auto r = run_cli({"submit", "--tasks=3", "--wait", "--interval=1", "--server=" + url()});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(contains(r.out, "job 1: 1/3 done (33.3%)"));
  CHECK(contains(r.out, "job 1: 3/3 done (100.0%)"));
  CHECK(contains(r.out, "job 1 finished: 3 of 3 succeeded\n"));
  CHECK_FALSE(contains(r.out, "\r"));
}

TEST_CASE_FIXTURE(server_fixture, "submit --wait on a terminal draws a bar; a failed job exits 1") {
  backend.progress_per_poll = 2;
  backend.finish_as_failed = true;
  auto r = run_cli({"submit", "--tasks=4", "--wait", "--interval=1", "--server=" + url()}, {}, true);
  CHECK(r.code == 1);
  CHECK(contains(r.out, "\r[###############...............] 50.0%  2/4  "));
  CHECK(contains(r.out, "\r[##############################] 100.0%  4/4  4.0 tasks/s  4 failed"));
  CHECK(contains(r.out, "job 1 finished: 0 of 4 succeeded"));
  // it names the tasks that failed, with their errors
  CHECK(contains(r.out, "tasks that did not succeed (4):\n"));
  CHECK(contains(r.out, "m1_1700000000000_1  FAILED"));
  CHECK(contains(r.out, "boom 4\n"));
  CHECK_FALSE(contains(r.out, "more:"));
}

TEST_CASE_FIXTURE(server_fixture, "submit --wait names the first 20 failed tasks, then how many more") {
  backend.progress_per_poll = 25;
  backend.finish_as_failed = true;
  auto r = run_cli({"submit", "--tasks=25", "--wait", "--interval=1", "--server=" + url()});
  CHECK(r.code == 1);
  CHECK(contains(r.out, "m1_1700000000000_20  FAILED"));
  CHECK_FALSE(contains(r.out, "m1_1700000000000_21 "));
  CHECK(contains(r.out, "and 5 more: drover results 1 --state=FAILED\n"));
  auto j = run_cli({"submit", "--tasks=2", "--wait", "--interval=1", "--json", "--server=" + url()});
  CHECK(j.code == 1);
  auto doc = nlohmann::json::parse(j.out);
  REQUIRE(doc["job"]["failed_tasks"].size() == 2);
  CHECK(doc["job"]["failed_tasks"][0]["error"] == "boom 26");
}

TEST_CASE_FIXTURE(server_fixture, "results prints a job's tasks: a table, a state, JSON lines") {
  backend.progress_per_poll = 3;
  REQUIRE(run_cli({"submit", "--tasks=5", "--type=echo", "--server=" + url()}).code == 0);
  REQUIRE(run_cli({"status", "1", "--server=" + url()}).code == 0); // finishes 3 of them
  auto all = run_cli({"results", "1", "--server=" + url()});
  INFO(all.err);
  CHECK(all.code == 0);
  CHECK(contains(all.out, "ID                  STATE      ATTEMPT  CONSUMER  RESULT / ERROR\n"));
  CHECK(contains(all.out, "m1_1700000000000_1  SUCCEEDED  1/1                done\n"));
  CHECK(contains(all.out, "m1_1700000000000_5  PENDING    1/1"));
  CHECK(contains(all.out, "5 of 5 tasks\n"));
  auto some = run_cli({"results", "1", "--state=PENDING", "--limit=1", "--server=" + url()});
  CHECK(contains(some.out, "m1_1700000000000_4  PENDING"));
  CHECK(contains(some.out, "1 of 2 tasks in state PENDING; more with --offset=1\n"));
  auto lines = run_cli({"results", "1", "--json", "--limit=0", "--server=" + url()});
  CHECK(lines.code == 0);
  std::istringstream in{lines.out};
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    auto doc = nlohmann::json::parse(line);
    CHECK(doc["id"] == "m1_1700000000000_" + std::to_string(++n));
  }
  CHECK(n == 5);
  auto unknown = run_cli({"results", "9", "--server=" + url()});
  CHECK(unknown.code == 1);
  CHECK(unknown.err == "drover: unknown_job (HTTP 404): no job 9\n");
  auto bad = run_cli({"results", "1", "--state=DONE", "--server=" + url()});
  CHECK(bad.code == 1);
  CHECK(contains(bad.err, "state: expected one of PENDING"));
}

TEST_CASE_FIXTURE(server_fixture, "submit warns when no live consumer runs a type, and still submits") {
  node_info up, lost;
  up.member = member_info{"c1", member_role::consumer, {}, 8, "", "", {"echo", "noop"}};
  lost.member = member_info{"c2", member_role::consumer, {}, 8, "", "", {"resize"}};
  lost.state = node_state::lost;
  backend.node_list = {up, lost};
  auto ok = run_cli({"submit", "--tasks=1", "--type=echo", "--server=" + url()});
  CHECK(ok.code == 0);
  CHECK(ok.err.empty());
  auto warned = run_cli({"submit", "--tasks=1", "--type=resize", "--server=" + url()});
  CHECK(warned.code == 0);
  CHECK(warned.err == "drover: warning: no live consumer runs type 'resize'; its tasks wait until "
                      "one that does registers (drover nodes shows what each consumer runs)\n");
  temp_file f{R"({"name": "mixed", "tasks": [{"type": "noop"}, {"type": "thumb"}],
                  "merge": {"type": "zip"}})"};
  auto file = run_cli({"submit", f.path, "--server=" + url()});
  CHECK(file.code == 0);
  CHECK(contains(file.err, "type 'thumb'"));
  CHECK(contains(file.err, "type 'zip'"));
  CHECK_FALSE(contains(file.err, "type 'noop'"));
  CHECK(backend.submitted.size() == 3);
}

TEST_CASE_FIXTURE(server_fixture, "status shows a job's counts or a task's state and history") {
  REQUIRE(run_cli({"submit", "--tasks=2", "--type=echo", "--server=" + url()}).code == 0);
  auto job = run_cli({"status", "1", "--server=" + url()});
  INFO(job.err);
  CHECK(job.code == 0);
  CHECK(contains(job.out, "job 1 \"job\""));
  CHECK(contains(job.out, "PENDING    2"));
  CHECK(contains(job.out, "progress   0/2 (0.0%)"));
  auto task = run_cli({"status", "m1_1700000000000_2", "--server=" + url()});
  CHECK(task.code == 0);
  CHECK(contains(task.out, "state     PENDING"));
  CHECK(contains(task.out, "created"));
  auto plain = run_cli({"status", "2", "--task", "--json", "--server=" + url()});
  CHECK(nlohmann::json::parse(plain.out)["type"] == "echo");
  auto unknown = run_cli({"status", "99", "--server=" + url()});
  CHECK(unknown.code == 1);
  CHECK(unknown.err == "drover: unknown_job (HTTP 404): no job 99\n");
}

TEST_CASE_FIXTURE(server_fixture, "cancel cancels a task or a job; a finished task is a refusal") {
  REQUIRE(run_cli({"submit", "--tasks=3", "--server=" + url()}).code == 0);
  auto one = run_cli({"cancel", "m1_1700000000000_1", "--server=" + url()});
  CHECK(one.code == 0);
  CHECK(one.out == "task m1_1700000000000_1 is CANCELLED (version 1)\n");
  auto again = run_cli({"cancel", "1", "--task", "--server=" + url()});
  CHECK(again.code == 1);
  CHECK(contains(again.err, "bad_transition (HTTP 409): task 1 already CANCELLED"));
  auto job = run_cli({"cancel", "1", "--server=" + url()});
  CHECK(job.out == "job 1: 2 tasks cancelled\n");
}

TEST_CASE_FIXTURE(server_fixture, "jobs and nodes print tables") {
  REQUIRE(run_cli({"submit", "--tasks=1", "--name=first", "--server=" + url()}).code == 0);
  auto jobs = run_cli({"jobs", "--server=" + url()});
  CHECK(jobs.code == 0);
  CHECK(contains(jobs.out, "ID  NAME   DONE  FAILED  STATUS   CREATED"));
  CHECK(contains(jobs.out, "1 of 1 jobs"));
  node_info n;
  n.member = member_info{"c1", member_role::consumer, {"gpu", "ssd"}, 8, "", "", {"echo"}};
  n.inflight = 2;
  node_info p; // with a prefetch: tasks beyond its capacity wait for a slot
  p.member = member_info{"c2", member_role::consumer, {}, 4, "", "", {"echo"}};
  p.member.prefetch = 12;
  p.inflight = 10;
  backend.node_list = {n, p};
  auto nodes = run_cli({"nodes", "--server=" + url()});
  CHECK(nodes.code == 0);
  CHECK(contains(nodes.out, "NODE  ROLE      STATE  TAGS     TYPES  INFLIGHT  LOAD  LAST HEARTBEAT"));
  CHECK(contains(nodes.out, "c1    consumer  up     gpu,ssd  echo   2/8       25%   -"));
  CHECK(contains(nodes.out, "c2    consumer  up              echo   10/4+12   250%  -"));
}

TEST_CASE_FIXTURE(server_fixture, "rules get prints YAML; rules apply swaps or lists the problems") {
  auto got = run_cli({"rules", "get", "--server=" + url()});
  CHECK(got.code == 0);
  CHECK(got.out == "# rules version 1, hash 0000000000000000, from <default>\nversion: 1\nrules: []\n");
  temp_file good{"version: 2\nrules: []\n", "good.yaml"};
  auto applied = run_cli({"rules", "apply", good.path, "--server=" + url()});
  CHECK(applied.code == 0);
  CHECK(contains(applied.out, "rules applied: version 2, hash "));
  temp_file bad{"version: 3\nrules: 7\n", "bad.yaml"};
  // Checked here first with the manager's own parser: bad usage (2), nothing sent.
  auto refused = run_cli({"rules", "apply", bad.path, "--server=" + url()});
  CHECK(refused.code == 2);
  CHECK(contains(refused.err, "drover: " + bad.path + ":2:"));
  CHECK(backend.rules.version == 2);
}

TEST_CASE("rules apply|get --manager go through the hooks, not HTTP") {
  std::string seen_file, seen_manager, seen_get;
  auto hook = [&](const std::string& file, const std::string& manager) {
    seen_file = file;
    seen_manager = manager;
    return 0;
  };
  auto r = run_cli({"rules", "apply", "r.yaml", "--manager=127.0.0.1:4700"}, hook);
  CHECK(r.code == 0);
  CHECK(seen_file == "r.yaml");
  CHECK(seen_manager == "127.0.0.1:4700");
  auto get = run_cli({"rules", "get", "--manager=127.0.0.1:4701"}, hook, false, [&](const std::string& m) {
    seen_get = m;
    return 1;
  });
  CHECK(get.code == 1);
  CHECK(seen_get == "127.0.0.1:4701");
  CHECK(run_cli({"rules", "get", "--manager=127.0.0.1:4701"}, hook).code == 2); // no get hook
  auto none = run_cli({"rules", "apply", "r.yaml", "--manager=127.0.0.1:4700"});
  CHECK(none.code == 2);
  CHECK(run_cli({"rules", "apply", "r.yaml", "--manager=h:1", "--server=http://h:2"}, hook).code == 2);
}

TEST_CASE_FIXTURE(token_fixture, "the client sends --token; without it the server says 401") {
  auto denied = run_cli({"nodes", "--server=" + url()});
  CHECK(denied.code == 1);
  CHECK(contains(denied.err, "drover: unauthorized (HTTP 401): "));
  CHECK(run_cli({"nodes", "--token=s3cret", "--server=" + url()}).code == 0);
}

TEST_CASE("an unreachable server is exit 1 (runtime), a bad URL exit 2 (usage), each with a hint") {
  cli_fakes backend;
  std::string url;
  {
    http_server gone{bundle_of(backend)};
    REQUIRE_FALSE(gone.start("127.0.0.1", 0));
    url = "http://127.0.0.1:" + std::to_string(gone.port());
  } // stopped: nothing listens on that port any more
  auto r = run_cli({"nodes", "--server=" + url});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "drover: cannot reach " + url + ": connection refused"));
  auto v6 = run_cli({"nodes", "--server=http://[::1]:1"}); // a URL, but nobody there
  CHECK(v6.code == 1);
  CHECK(contains(v6.err, "drover: cannot reach http://[::1]:1: "));
  auto bad = run_cli({"nodes", "--server=127.0.0.1:8080"});
  CHECK(bad.code == 2);
  CHECK(bad.err == "drover: --server: '127.0.0.1:8080' is not a URL like http://127.0.0.1:8080\n");
}

TEST_CASE("no client command parsed gives nullopt, so main runs its own") {
  CLI::App app{"drover"};
  auto cmds = add_client_commands(app);
  app.add_subcommand("run");
  const char* argv[] = {"drover", "run"};
  app.parse(2, argv);
  std::ostringstream out, err;
  CHECK_FALSE(run_client_command(*cmds, out, err, false).has_value());
}

}
