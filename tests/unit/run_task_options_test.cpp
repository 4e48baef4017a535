// The producer's task in `drover run` is one task_spec (run_options::task),
// filled from the config file first and then from flags.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "config/options.hpp"

using namespace drover;

namespace {

struct temp_config {
  std::string path = std::filesystem::temp_directory_path()
                     / ("drover_task_opts_" + std::to_string(::getpid()) + ".yaml");
  explicit temp_config(const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  ~temp_config() { std::remove(path.c_str()); }
};

} // namespace

TEST_SUITE("run task options") {

TEST_CASE("defaults: a noop task of normal priority, one attempt, no timeout") {
  run_options o;
  CHECK(o.task.type == "noop");
  CHECK(o.task.prio == priority::normal);
  CHECK(o.task.max_attempts == 1);
  CHECK(o.task.timeout_ms == 0);
  CHECK(o.task.payload.empty());
}

TEST_CASE("the config file fills the task, flags override it") {
  temp_config c{"type: echo\npayload: from-file\npriority: low\nmax_attempts: 4\n"
                "timeout_ms: 250\n"};
  run_options o;
  REQUIRE_FALSE(load_config_file(c.path, o));
  CHECK(o.task.type == "echo");
  CHECK(o.task.payload == "from-file");
  CHECK(o.task.prio == priority::low);
  CHECK(o.task.max_attempts == 4);
  CHECK(o.task.timeout_ms == 250);
  CLI::App app;
  add_run_flags(app, o);
  app.parse("--priority=HIGH --payload=flag", false);
  CHECK(o.task.prio == priority::high);
  CHECK(o.task.payload == "flag");
  CHECK(o.task.type == "echo"); // not given as a flag: the file's
  CHECK_FALSE(validate(o));
}

TEST_CASE("a bad priority is refused where it was written") {
  run_options o;
  CLI::App app;
  add_run_flags(app, o);
  std::string what;
  try {
    app.parse("--priority=urgent", false);
  } catch (const CLI::ParseError& e) {
    what = e.what();
  }
  CHECK(what == "--priority: 'urgent' is not high, normal or low");
  temp_config c{"priority: urgent\n"};
  run_options from_file;
  auto err = load_config_file(c.path, from_file);
  CHECK(err.code == ec::bad_input);
  CHECK(err.message.find("priority") != std::string::npos);
  CHECK(err.message.find("'priority': 'urgent' is not high, normal or low") != std::string::npos);
}

} // TEST_SUITE
