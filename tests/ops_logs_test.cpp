// The log of a real `drover run`: every line stamped in ISO-8601 UTC with
// milliseconds, --log-format=json one object per line, and no error line
// when the process is stopped on purpose (SIGTERM, SIGINT) or its job ends.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

const std::regex iso_ts{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"};

/// Every line "<ts> <level> <msg>", none at level error; the count of lines.
size_t check_text_log(const std::string& err) {
  static const std::regex line_re{R"((\S+) (error|warn|info|debug) (.+))"};
  auto lines = lines_of(err);
  for (auto& line : lines) {
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_match(line, m, line_re), "not a log line: " << line);
    CHECK_MESSAGE(std::regex_match(m[1].str(), iso_ts), "bad time stamp: " << line);
    CHECK_MESSAGE(m[2] != "error", "an error line on a clean shutdown: " << line);
  }
  return lines.size();
}

size_t check_json_log(const std::string& err) {
  auto lines = lines_of(err);
  for (auto& line : lines) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_MESSAGE(j.is_object(), "not a JSON object: " << line);
    CHECK(j.size() == 4);
    for (auto* key : {"ts", "level", "component", "msg"})
      REQUIRE_MESSAGE((j.contains(key) && j[key].is_string()), key << " missing in " << line);
    CHECK_MESSAGE(std::regex_match(j["ts"].get<std::string>(), iso_ts), line);
    CHECK_MESSAGE(j["level"] != "error", "an error line on a clean shutdown: " << line);
  }
  return lines.size();
}

std::vector<std::string> all_roles(std::vector<std::string> extra) {
  std::vector<std::string> args{DROVER_BINARY, "run", "--listen=127.0.0.1:0",
                                "--http=127.0.0.1:0", "--store=memory"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

} // namespace

TEST_CASE("a text log: time-stamped lines and no error when SIGTERM stops drover run") {
  scratch_dir dir;
  ready_process p{all_roles({}), dir.path + "/node"};
  p.ready();
  p.signal(SIGTERM);
  REQUIRE(p.wait(15s) == 0);
  CHECK(check_text_log(p.err()) > 5);
  CHECK(p.err().find(" info manager: ") != std::string::npos);
}

TEST_CASE("a JSON log: one object per line and no error when SIGINT stops drover run") {
  scratch_dir dir;
  ready_process p{all_roles({"--log-format=json"}), dir.path + "/node"};
  p.ready();
  p.signal(SIGINT);
  REQUIRE(p.wait(15s) == 0);
  CHECK(check_json_log(p.err()) > 5);
  bool manager_line = false;
  for (auto& line : lines_of(p.err()))
    manager_line = manager_line || nlohmann::json::parse(line)["component"] == "manager";
  CHECK(manager_line);
}

TEST_CASE("no error line when drover run's job ends, in either format") {
  for (std::string fmt : {"text", "json"}) {
    CAPTURE(fmt);
    scratch_dir dir;
    child_process p{all_roles({"--tasks=200", "--type=echo", "--log-format=" + fmt}),
                    dir.path + "/job"};
    REQUIRE(p.wait(30s) == 0);
    CHECK((fmt == "text" ? check_text_log(p.err()) : check_json_log(p.err())) > 5);
  }
}

TEST_CASE("--log-format refuses anything but text and json") {
  scratch_dir dir;
  child_process p{all_roles({"--log-format=xml"}), dir.path + "/bad"};
  REQUIRE(p.wait(10s) == 2);
  CHECK(p.err().find("--log-format: use text or json") != std::string::npos);
}
