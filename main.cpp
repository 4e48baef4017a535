// drover: one binary, every role. main reads the command line, then hands
// over: `drover run` starts roles (app/run.cpp -> actors/). Reading the code:
// main.cpp -> app/run.cpp -> actors/protocol.hpp -> actors/manager.cpp -> core/.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/rules_client.hpp"
#include "app/run.hpp"
#include "config/options.hpp"

int main(int argc, char** argv) {
  using namespace drover;
  CLI::App app{"drover: a distributed task scheduler (registry, manager, producers, consumers)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");

  run_options run_opts;
  auto* run = app.add_subcommand("run", "run one or more roles (default: all in one process)");
  // The config file comes first so that flags override its keys.
  if (auto path = find_config_flag(argc, argv); !path.empty()) {
    if (auto err = load_config_file(path, run_opts)) {
      std::cerr << "drover: " << err.message << "\n";
      return 2;
    }
  }
  add_run_flags(*run, run_opts);

  // drover rules apply FILE | get, through the registry at --manager.
  auto* rules = app.add_subcommand("rules", "show or replace the manager's assignment rules");
  rules->require_subcommand(1);
  std::string rules_file;
  std::string manager = "127.0.0.1:4700";
  uint32_t timeout_ms = 5000;
  for (auto* sub : {rules->add_subcommand("apply", "validate FILE, then make it the rule set in force"),
                    rules->add_subcommand("get", "print the rule set in force")}) {
    sub->add_option("--manager", manager, "HOST:PORT where the registry/manager listens")
      ->capture_default_str();
    sub->add_option("--timeout", timeout_ms, "ms to wait for the manager")->capture_default_str();
  }
  auto* rules_apply = rules->get_subcommand("apply");
  rules_apply->add_option("FILE", rules_file, "rules YAML (see rules/examples)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "drover: " << e.what() << " (see drover --help)\n";
    return 2;
  }
  if (run->parsed())
    return run_roles(run_opts);
  if (rules_apply->parsed())
    return apply_rules_remote(rules_file, manager, std::chrono::milliseconds(timeout_ms),
                              std::cout, std::cerr);
  if (rules->get_subcommand("get")->parsed())
    return get_rules_remote(manager, std::chrono::milliseconds(timeout_ms), std::cout,
                            std::cerr);
  return 2;
}
