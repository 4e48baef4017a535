// `drover schedules list|get|create|start|stop|delete` against a real
// manager process: tables for people, --json for scripts, errors with their
// exit codes. No wait on the clock: a schedule created stopped never fires.
#include <doctest/doctest.h>

#include <fstream>

#include "support/exec_node.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct cli_run {
  int code = -1;
  std::string out, err;
};

struct schedules_fixture {
  scratch_dir dir;
  rest_node mgr{{"--role=registry,manager", "--store=memory"}, dir.path + "/manager"};
  int runs = 0;

  cli_run cli(std::vector<std::string> args) {
    args.insert(args.begin(), {DROVER_BINARY, "schedules"});
    args.push_back("--server=" + mgr.url());
    child_process p{args, dir.path + "/cli" + std::to_string(++runs)};
    cli_run r;
    r.code = p.wait(20s);
    r.out = p.out();
    r.err = p.err();
    return r;
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE_FIXTURE(schedules_fixture, "schedules: create, list, get, stop, start and delete from the command line") {
  auto empty = cli({"list"});
  CHECK(empty.code == 0);
  CHECK(has(empty.out, "no schedules"));

  auto made = cli({"create", "nightly", "--cron=0 3 * * *", "--type=echo", "--payload=hi",
                   "--tasks=3", "--stopped"});
  INFO(made.err);
  REQUIRE(made.code == 0);
  CHECK(has(made.out, "schedule 1 (nightly): cron 0 3 * * *, stopped"));
  auto job_file = dir.path + "/job.json";
  std::ofstream{job_file} << R"({"name":"etl","tasks":[{"type":"noop","count":5}]})";
  auto second = cli({"create", "etl", "--every=1h", "--job-file=" + job_file, "--stopped",
                     "--json"});
  REQUIRE(second.code == 0);
  auto doc = json::parse(second.out);
  CHECK(doc["id"] == 2);
  CHECK(doc["every"] == "1h");
  CHECK(doc["job"]["tasks"][0]["count"] == 5);

  auto list = cli({"list"});
  CHECK(list.code == 0);
  CHECK(has(list.out, "NAME"));
  CHECK(has(list.out, "nightly"));
  CHECK(has(list.out, "every 1h"));

  auto started = cli({"start", "2"});
  CHECK(started.code == 0);
  CHECK(has(started.out, "running"));
  auto stopped = cli({"stop", "2", "--json"});
  CHECK(stopped.code == 0);
  CHECK(json::parse(stopped.out)["state"] == "stopped");
  auto got = cli({"get", "1"});
  CHECK(got.code == 0);
  CHECK(has(got.out, R"("payload":"hi")"));

  CHECK(cli({"delete", "1"}).code == 0);
  auto gone = cli({"get", "1"});
  CHECK(gone.code == 1);
  CHECK(has(gone.err, "no schedule 1"));
  CHECK(get_json(*mgr.http, "/v1/schedules")["schedules"].size() == 1);
}

TEST_CASE_FIXTURE(schedules_fixture, "schedules: bad input is an error that says what to fix") {
  auto both = cli({"create", "x", "--every=1s", "--cron=* * * * *"});
  CHECK(both.code == 2);
  CHECK(has(both.err, "--every excludes --cron"));
  auto neither = cli({"create", "x"});
  CHECK(neither.code == 2);
  CHECK(has(neither.err, "needs --every=PERIOD or --cron"));
  auto never = cli({"create", "x", "--cron=0 0 30 2 *"});
  CHECK(never.code == 1);
  CHECK(has(never.err, "never fires"));
  auto no_file = cli({"create", "x", "--every=1s", "--job-file=" + dir.path + "/none.json"});
  CHECK(no_file.code == 2);
  CHECK(has(no_file.err, "cannot read"));
  auto bad_id = cli({"get", "nope"});
  CHECK(bad_id.code == 1);
  CHECK(get_json(*mgr.http, "/v1/schedules")["schedules"].empty()); // nothing was made
}
