// A word CLI11 cannot place as a subcommand gets the closest one and the
// list, at any depth; a missing one names the choices (cli/unknown_command).
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "cli/unknown_command.hpp"

using namespace drover;

namespace {

struct cli_tree {
  CLI::App app{"drover"};
  std::string file;
  cli_tree() {
    app.require_subcommand(1);
    app.add_subcommand("run", "r");
    auto* status = app.add_subcommand("status", "s");
    status->add_option("id", file);
    auto* rules = app.add_subcommand("rules", "rules");
    rules->require_subcommand(1);
    rules->add_subcommand("get", "g");
    rules->add_subcommand("apply", "a")->add_option("file", file);
    app.add_subcommand("completion", "hidden")->group("");
  }
};

} // namespace

TEST_CASE("a typo'd subcommand names the closest and the list, hidden ones left out") {
  cli_tree t;
  CHECK(unknown_subcommand(t.app, {"statsu"})
        == "unknown subcommand 'statsu'; did you mean 'status'? (subcommands: run, "
           "status, rules)");
  CHECK(unknown_subcommand(t.app, {"--json", "rulez", "get"}).find("did you mean 'rules'?")
        != std::string::npos);
  CHECK(unknown_subcommand(t.app, {"rules", "aply", "f.yaml"})
        == "unknown subcommand 'aply' of rules; did you mean 'apply'? (subcommands: get, "
           "apply)");
}

TEST_CASE("a missing subcommand names the choices, arguments of a command are no subcommands") {
  cli_tree t;
  CHECK(unknown_subcommand(t.app, {}) == "it needs a subcommand: run, status, rules");
  CHECK(unknown_subcommand(t.app, {"rules"}) == "rules needs a subcommand: get, apply");
  CHECK(unknown_subcommand(t.app, {"status", "42"}).empty());
  CHECK(unknown_subcommand(t.app, {"rules", "apply", "x.yaml"}).empty());
  CHECK(unknown_subcommand(t.app, {"completion"}).empty()); // hidden, but known
}
