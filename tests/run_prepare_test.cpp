// prepare_run, what `drover run` does before any role starts: the store it
// opens runs with the --durability the options name (read back from the
// connection), the REST port is bound, and a bad file stops everything.
#include <doctest/doctest.h>

#include <fstream>

#include "app/job_file.hpp"
#include "app/run_prepare.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/process.hpp"

using namespace drover;
using drover::testing::child_process;
using drover::testing::scratch_dir;

TEST_SUITE("run_prepare") {

TEST_CASE("the manager's store opens with the durability the options name") {
  scratch_dir dir;
  for (auto [name, level] : {std::pair{"disk", 2}, std::pair{"process", 1}}) {
    run_options o;
    o.roles = {"registry", "manager"};
    o.store = "sqlite:" + dir.path + "/" + name + ".db";
    o.durability = name;
    REQUIRE_FALSE(validate(o));
    http_flags http;
    http.listen = "off";
    auto pre = prepare_run(o, http);
    REQUIRE_MESSAGE(pre, pre.err().message);
    auto* db = dynamic_cast<sqlite_store*>(pre->store.get());
    REQUIRE(db);
    CAPTURE(name);
    CHECK(db->synchronous() == level);
    CHECK_FALSE(pre->http); // --http=off
  }
}

TEST_CASE("the REST port is bound by prepare_run, and a bad job file stops it first") {
  scratch_dir dir;
  run_options o;
  o.store = "memory";
  http_flags http;
  http.listen = "127.0.0.1:0";
  auto pre = prepare_run(o, http);
  REQUIRE_MESSAGE(pre, pre.err().message);
  REQUIRE(pre->http);
  CHECK(pre->http->port() != 0); // bound, not serving yet

  o.job_file = dir.path + "/job.json";
  std::ofstream{o.job_file} << R"({"name": "j", "tasks": [{"type": ""}]})";
  auto bad = prepare_run(o, http); // nothing is opened or bound: no prepared_run comes back
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message.find("tasks[0].type: must not be empty") != std::string::npos);
}

TEST_CASE("a job file reads into its job, and a missing or bad one names the file") {
  scratch_dir dir;
  auto path = dir.path + "/job.json";
  std::ofstream{path} << R"({"name": "thumbs", "tasks": [{"type": "resize", "count": 3}]})";
  auto job = load_job_file(path);
  REQUIRE_MESSAGE(job, job.err().message);
  CHECK(job->name == "thumbs");
  REQUIRE(job->tasks.size() == 3);
  CHECK(job->tasks[0].type == "resize");
  auto missing = load_job_file(dir.path + "/none.json");
  REQUIRE_FALSE(missing);
  CHECK(missing.err().code == ec::bad_input);
  CHECK(missing.err().message.rfind(dir.path + "/none.json: cannot read the --job-file", 0) == 0);
  std::ofstream{path, std::ios::trunc} << R"({"name": "thumbs"})";
  auto bad = load_job_file(path);
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message.rfind(path + ": ", 0) == 0);
}

TEST_CASE("drover run with all roles stores every task's end before it exits") {
  scratch_dir dir;
  auto db = dir.path + "/tasks.db";
  child_process run({DROVER_BINARY, "run", "--store=sqlite:" + db, "--http=off",
                     "--listen=127.0.0.1:0", "--tasks=20000", "--data-dir=" + dir.path},
                    dir.path + "/run");
  REQUIRE(run.wait(std::chrono::seconds(120)) == 0);
  auto store = sqlite_store::open(db);
  REQUIRE(store);
  auto state = (*store)->load();
  REQUIRE(state);
  CHECK(state->unfinished.empty()); // nothing the consumer finished is left to run again
  REQUIRE(state->counts.size() == 1);
  CHECK(state->counts[0].by_state[static_cast<int>(task_state::succeeded)] == 20000);
}

} // TEST_SUITE
