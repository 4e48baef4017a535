// core/log_format: the time stamp, the component and both line formats.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/log_format.hpp"

using namespace drover;

TEST_CASE("iso8601_utc prints UTC with milliseconds and a Z") {
  CHECK(iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso8601_utc(1796585202928) == "2026-12-06T19:26:42.928Z");
  CHECK(iso8601_utc(951782400007) == "2000-02-29T00:00:00.007Z"); // a leap day
  CHECK(iso8601_utc(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("log_component reads the part from the message's first word") {
  CHECK(log_component("manager: job 1 sealed") == "manager");
  CHECK(log_component("consumer c1: registered (capacity 64)") == "consumer");
  CHECK(log_component("registry listening on 127.0.0.1:4700") == "registry");
  CHECK(log_component("worker pool py: process 7 ready") == "worker");
  CHECK(log_component("schedule nightly (cron) from the config") == "scheduler");
  CHECK(log_component("stopping on signal 15") == "drover");
  CHECK(log_component("") == "drover");
  CHECK(log_component("managers: not a part") == "drover");
}

TEST_CASE("a text line is time, level, message") {
  CHECK(format_log_line(log_format::text, "warn", "rules: bad file", 0)
        == "1970-01-01T00:00:00.000Z warn rules: bad file\n");
}

TEST_CASE("a JSON line is one object with ts, level, component and msg") {
  auto line = format_log_line(log_format::json, "info", "http listening on \"x\"\n", 1000);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1); // a newline in the message stays escaped
  auto j = nlohmann::json::parse(line);
  CHECK(j == nlohmann::json{{"ts", "1970-01-01T00:00:01.000Z"},
                            {"level", "info"},
                            {"component", "http"},
                            {"msg", "http listening on \"x\"\n"}});
  // Bytes that are not UTF-8 do not throw; they are replaced.
  auto bad = format_log_line(log_format::json, "info", std::string{"exec: \xff\xfe"}, 0);
  CHECK(nlohmann::json::parse(bad)["msg"] == "exec: \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("parse_log_format knows text and json only") {
  CHECK(parse_log_format("text") == log_format::text);
  CHECK(parse_log_format("json") == log_format::json);
  CHECK_FALSE(parse_log_format("JSON"));
  CHECK_FALSE(parse_log_format(""));
}
