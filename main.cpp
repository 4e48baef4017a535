// drover: one binary, every role. main reads the command line, then hands
// over: `drover run` starts roles (app/run.cpp -> actors/); the client
// commands (submit, status, cancel, jobs, nodes, rules) talk to a manager's
// REST API (cli/), or for `rules ... --manager=HOST:PORT` to its registry over
// CAF (app/rules_client.cpp). Reading the code: main.cpp -> app/run.cpp ->
// actors/protocol.hpp -> actors/manager.cpp -> core/.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/rules_client.hpp"
#include "app/run.hpp"
#include "cli/certs.hpp"
#include "cli/commands.hpp"
#include "cli/unknown_command.hpp"
#include "cli/completion.hpp"
#include "config/flag_layers.hpp"
#include "config/options.hpp"
#include "core/version.hpp"
#include "http/http_flags.hpp"
#include "replay/commands.hpp"

int main(int raw_argc, char** raw_argv) {
  using namespace drover;
  // `--flag=` with nothing after '=' is an empty value, not a request for
  // the next argument (CLI11 would swallow it).
  auto args = split_empty_values(raw_argc, raw_argv);
  std::vector<char*> arg_ptrs;
  for (auto& a : args)
    arg_ptrs.push_back(a.data());
  int argc = static_cast<int>(arg_ptrs.size());
  char** argv = arg_ptrs.data();
  CLI::App app{"drover: a distributed task scheduler (registry, manager, producers, consumers)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");
  app.set_version_flag("--version", version_text(), "print drover's version, git commit and CAF version");
  auto* version = app.add_subcommand("version", "print drover's version, git commit and CAF version");

  run_options run_opts;
  http_flags http_opts;
  auto* run = app.add_subcommand("run", "run one or more roles (default: all in one process)");
  add_all_run_flags(*run, run_opts, http_opts); // the config file and DROVER_* come after parsing

  // `rules apply|get --manager=HOST:PORT` goes over CAF, through the registry.
  std::unique_ptr<client_commands> client;
  auto timeout = [&client] { return std::chrono::milliseconds(client->client.request_timeout_ms); };
  auto reconnect = [&client] { return std::chrono::milliseconds(client->reconnect_timeout_ms); };
  client = add_client_commands(
    app,
    [&](const std::string& file, const std::string& manager) {
      admin_identity who{client->tls, client->client.token};
      return apply_rules_remote(file, manager, who, timeout(), reconnect(), std::cout, std::cerr);
    },
    [&](const std::string& manager) {
      admin_identity who{client->tls, client->client.token};
      return get_rules_remote(manager, who, timeout(), reconnect(), std::cout, std::cerr);
    });

  // drover replay FILE.yaml | drover simulate: scenarios and a local cluster.
  auto replay_cmds = replay::add_replay_commands(app);
  auto certs_cmd = add_certs_command(app); // drover certs init DIR
  std::string shell;
  auto* completion = add_completion_command(app, shell); // hidden; packaging/bash-completion
  refuse_negative_numbers(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    auto unknown = unknown_subcommand(app, {args.begin() + 1, args.end()});
    std::cerr << "drover: " << (unknown.empty() ? std::string{e.what()} : unknown)
              << " (see drover --help)\n";
    return 2;
  }
  if (version->parsed()) {
    std::cout << version_text() << "\n";
    return 0;
  }
  if (completion->parsed()) {
    std::cout << bash_completion(app);
    return 0;
  }
  if (run->parsed()) {
    std::vector<std::string> warnings; // flag > DROVER_* > config file > default
    if (auto err = resolve_run_flags(*run, run_opts, process_env(), warnings)) {
      std::cerr << "drover: " << err.message << "\n";
      return 2;
    }
    return run_roles(run_opts, http_opts, warnings);
  }
  if (auto code = run_client_command(*client))
    return *code;
  if (auto code = replay::run_replay_command(*replay_cmds))
    return *code;
  if (auto code = run_certs_command(*certs_cmd))
    return *code;
  return 2;
}
