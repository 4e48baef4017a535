// The README's "Run your own code" examples, run as a user would: one
// `drover run --handlers=examples/handlers.yaml`, then the exec script, the
// Python and Node workers, and 10,000 runs of factor(1) from a generated
// job file through `drover submit FILE.json --wait`.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

#include "support/exec_node.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

const std::string src = DROVER_SOURCE_DIR;

json run_one(rest_node& node, const std::string& type, const std::string& payload,
             int max_attempts = 3) {
  auto job = submit_job(*node.http, json{{"name", type},
                                         {"tasks", json::array({{{"type", type},
                                                                 {"payload", payload},
                                                                 {"max_attempts", max_attempts}}})}});
  wait_job(*node.http, job["job_id"], 30s);
  return get_json(*node.http, "/v1/tasks/" + job["task_ids"][0].get<std::string>());
}

} // namespace

TEST_SUITE("examples") {

TEST_CASE("the examples of Run your own code work as the README shows") {
  scratch_dir dir;
  rest_node node{{"--store=memory", "--handlers=" + src + "/examples/handlers.yaml"},
                 dir.path + "/node"};

  SUBCASE("exec: a shell script compresses the file its payload names") {
    auto file = dir.path + "/notes.txt";
    std::ofstream{file} << std::string(10000, 'a');
    auto t = run_one(node, "compress", file);
    INFO(t.dump());
    CHECK(t["state"] == "SUCCEEDED");
    CHECK(t["result"] == file + ".gz");
    struct stat sb {};
    CHECK(::stat((file + ".gz").c_str(), &sb) == 0);
    CHECK(sb.st_size < 200);
    CHECK(has_event(t, "log")); // its stderr line, kept with the attempt
    auto bad = run_one(node, "compress", dir.path + "/missing.txt");
    CHECK(bad["state"] == "FAILED");
    CHECK(bad["attempt"] == 1); // exit 2 is in no_retry_exit_codes
    CHECK(bad["result"].get<std::string>().find("exit code 2: no such file") == 0);
  }

  SUBCASE("a Python worker counts words") {
    auto t = run_one(node, "py.wordcount", "the quick brown fox");
    INFO(t.dump());
    CHECK(t["result"] == "4");
    auto bad = run_one(node, "py.wordcount", " ");
    CHECK(bad["state"] == "FAILED");
    CHECK(bad["attempt"] == 1);
    CHECK(bad["result"] == "PermanentError: empty text: nothing to count");
  }

  SUBCASE("a Node worker counts words") {
    auto t = run_one(node, "js.wordcount", "jumps over the lazy dog");
    INFO(t.dump());
    CHECK(t["result"] == "5");
  }

  SUBCASE("10,000 runs of an existing program from a generated job file") {
    auto job_file = dir.path + "/factor-10k.json";
    child_process make({"/bin/sh", "-c", src + "/examples/many/make-job.sh 10000 > " + job_file},
                       dir.path + "/make");
    REQUIRE(make.wait(10s) == 0);
    auto t0 = std::chrono::steady_clock::now();
    child_process submit({DROVER_BINARY, "submit", job_file, "--wait", "--server=" + node.url()},
                         dir.path + "/submit");
    CHECK(submit.wait(240s) == 0);
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO(submit.out() << submit.err());
    auto jobs = get_json(*node.http, "/v1/jobs?offset=0&limit=100");
    uint64_t id = 0;
    for (auto& j : jobs["jobs"])
      if (j["name"] == "factor-10000")
        id = j["id"];
    REQUIRE(id != 0);
    auto j = get_json(*node.http, "/v1/jobs/" + std::to_string(id));
    CHECK(j["counts"]["SUCCEEDED"] == 10000);
    MESSAGE("10,000 runs of factor(1): " << took << " s, " << 10000 / took << " runs/s");
  }
}

} // TEST_SUITE
