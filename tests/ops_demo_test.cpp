// The README's first command ends in `drover run --demo`: every role in one
// process, the store in the data dir, the dashboard's address printed, and
// the demo job's tasks run by an exec handler; without a terminal (as
// here, and under CI=true) it exits 0 once the job is done. Also: the
// README opens with exactly the two commands, and .ci/run runs exactly them.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_CASE("drover run --demo prints the dashboard, runs its exec job and exits when done") {
  scratch_dir dir;
  ::setenv("CI", "true", 1);
  child_process p{{DROVER_BINARY, "run", "--demo", "--tasks=30", "--listen=127.0.0.1:0",
                   "--http=127.0.0.1:0"},
                  dir.path + "/demo"};
  ::unsetenv("CI");
  REQUIRE_MESSAGE(p.wait(60s) == 0, p.err());
  std::smatch m;
  auto out = p.out();
  REQUIRE(std::regex_search(out, m, std::regex{R"(drover demo: dashboard at http://127\.0\.0\.1:(\d+)/ )"}));
  CHECK(m[1] != "0");
  CHECK(out.find("30/30 done, 30 succeeded, 0 failed") != std::string::npos);
  CHECK(std::filesystem::exists(dir.path + "/drover-data/drover.db"));
  CHECK(read_file(dir.path + "/drover-data/demo-handlers.yaml").find("demo.words:") != std::string::npos);
}

TEST_CASE("--demo refuses roles, handlers and job files of its own") {
  scratch_dir dir;
  child_process p{{DROVER_BINARY, "run", "--demo", "--role=manager", "--listen=127.0.0.1:0",
                   "--http=127.0.0.1:0"}, dir.path + "/bad"};
  REQUIRE(p.wait(15s) == 2);
  CHECK(p.err().find("--demo runs every role in one process; leave --role out") != std::string::npos);
}

TEST_CASE("the README opens with the two commands, and .ci/run runs exactly them") {
  auto readme = read_file(std::string{DROVER_SOURCE_DIR} + "/README.md");
  auto first_block = readme.find("```sh\n");
  REQUIRE(first_block != std::string::npos);
  auto end = readme.find("```", first_block + 6);
  std::string block = readme.substr(first_block + 6, end - first_block - 6);
  std::smatch m;
  REQUIRE(std::regex_match(block, m, std::regex{R"((bash tools/start\.sh)[^\n]*\n(bash tools/test\.sh)[^\n]*\n)"}));
  CHECK(readme.find("##") > first_block); // nothing but the intro comes before them
  auto ci = read_file(std::string{DROVER_SOURCE_DIR} + "/.ci/run");
  std::string commands;
  std::istringstream lines{ci};
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#' && line.rfind("set ", 0) != 0 && line.rfind("cd ", 0) != 0)
      commands += line + "\n";
  CHECK(commands == "bash tools/start.sh\nbash tools/test.sh\n");
}
