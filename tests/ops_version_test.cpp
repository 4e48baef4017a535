// `drover --version` and `drover version` against the binary: the project
// version from CMakeLists.txt, the commit git reports for the source tree
// ("unknown" outside a checkout) and the CAF version of the headers.
#include <doctest/doctest.h>

#include <caf/config.hpp>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

std::string project_version() {
  std::ifstream in{std::string{DROVER_SOURCE_DIR} + "/CMakeLists.txt"};
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  auto s = text.str();
  REQUIRE(std::regex_search(s, m, std::regex{R"(project\(drover VERSION ([0-9.]+))"}));
  return m[1];
}

std::string git_head() {
  std::string cmd = std::string{"git -C '"} + DROVER_SOURCE_DIR + "' rev-parse --short=12 HEAD 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[128];
    while (std::fgets(buf, sizeof buf, p))
      out += buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out.empty() ? "unknown" : out;
}

std::string run_and_read(const std::vector<std::string>& args) {
  scratch_dir dir;
  std::vector<std::string> argv{DROVER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  child_process p{argv, dir.path + "/version"};
  REQUIRE(p.wait(10s) == 0);
  return p.out();
}

} // namespace

TEST_CASE("drover --version and drover version print version, commit and CAF version") {
  auto expected = "drover " + project_version() + " (commit " + git_head() + ", CAF "
                  + std::to_string(CAF_MAJOR_VERSION) + "." + std::to_string(CAF_MINOR_VERSION)
                  + "." + std::to_string(CAF_PATCH_VERSION) + ")\n";
  CHECK(run_and_read({"--version"}) == expected);
  CHECK(run_and_read({"version"}) == expected);
}
