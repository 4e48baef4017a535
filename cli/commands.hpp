// The command-line client in the drover binary: submit, status, results,
// cancel, jobs, nodes and rules talk to a manager's REST API (http/API.md).
// main.cpp adds them next to `run` and runs whichever was parsed:
//   auto client = add_client_commands(app, apply_hook);
//   app.parse(argc, argv);
//   if (auto code = run_client_command(*client)) return *code;
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "core/tls_files.hpp"

namespace CLI {
class App;
}

namespace drover {

/// Applies a rules file through CAF instead of HTTP (`drover rules apply
/// FILE --manager=HOST:PORT`); returns the process exit code.
using apply_rules_hook =
  std::function<int(const std::string& file, const std::string& manager)>;
/// Prints the rules in force through CAF (`drover rules get
/// --manager=HOST:PORT`); returns the process exit code.
using get_rules_hook = std::function<int(const std::string& manager)>;

/// Flags every client command takes.
struct client_options {
  std::string server = "http://127.0.0.1:8080"; ///< --server
  std::string token;                            ///< --token, else $DROVER_TOKEN
  bool json = false;                            ///< --json: machine-readable output
  uint32_t request_timeout_ms = 60000;          ///< --request-timeout, per HTTP call
  std::string ca;                               ///< --ca, else $DROVER_CA: PEM CA for https://
};

/// `drover submit FILE.json | --tasks=N --type=T [...] [--wait]`
struct submit_options {
  std::string file;
  uint64_t tasks = 0;
  std::string type = "noop";
  std::string payload;
  std::string priority = "normal";
  std::string name = "job";
  std::string group;
  uint32_t max_attempts = 1;
  uint32_t timeout_ms = 0;
  bool wait = false;
  uint32_t interval_ms = 0; ///< between polls; 0: 200 on a terminal, else 1000
};

/// `drover results JOB [--state=S] [--offset=N] [--limit=N] [--json]`
struct results_options {
  std::string job;
  std::string state;        ///< empty: every state
  uint64_t offset = 0;
  uint64_t limit = 100;     ///< tasks to print; 0: all
};

/// The parsed client flags and the subcommands they belong to. Filled by
/// CLI11 while parsing; read by run_client_command.
struct client_commands {
  client_options client;
  submit_options submit;
  results_options results;
  std::string id;              ///< status/cancel: a job id or a task id
  bool as_task = false;        ///< --task: read `id` as a task id
  bool as_job = false;         ///< --job: read `id` as a job id
  uint64_t offset = 0;         ///< jobs --offset
  uint32_t limit = 20;         ///< jobs --limit
  std::string rules_file;
  std::string manager;         ///< rules apply|get --manager=HOST:PORT
  tls_files tls;               ///< with --manager: --tls-cert, --tls-key, --tls-ca
  uint32_t reconnect_timeout_ms = 10000; ///< --reconnect-timeout with --manager; 0: keep trying
  apply_rules_hook apply_hook;
  get_rules_hook get_hook;
  CLI::App* submit_cmd = nullptr;
  CLI::App* status_cmd = nullptr;
  CLI::App* cancel_cmd = nullptr;
  CLI::App* seal_cmd = nullptr;
  CLI::App* jobs_cmd = nullptr;
  CLI::App* nodes_cmd = nullptr;
  CLI::App* results_cmd = nullptr;
  CLI::App* rules_cmd = nullptr;
  CLI::App* rules_get_cmd = nullptr;
  CLI::App* rules_apply_cmd = nullptr;
  std::shared_ptr<struct schedule_cli> schedules; ///< drover schedules ... (cli/schedules.hpp)
};

/// Adds the client subcommands to `app`. The hooks serve `rules apply
/// --manager` and `rules get --manager`; without one, that use of the flag
/// is reported as unsupported (exit 2).
std::unique_ptr<client_commands> add_client_commands(CLI::App& app, apply_rules_hook apply = {},
                                                     get_rules_hook get = {});

/// Runs the client command `app.parse` selected, writing to stdout/stderr
/// (a progress bar if stdout is a terminal). nullopt if none was selected.
/// Exit codes: 0 ok; 1 a runtime failure: the server said no, cannot be
/// reached or answered something else, or a waited-for job failed; 2 bad
/// usage: flags, arguments or an input file (one line on stderr).
std::optional<int> run_client_command(client_commands& cmds);

/// The same, writing to `out` and `err`; `tty` picks the progress bar.
std::optional<int> run_client_command(client_commands& cmds, std::ostream& out,
                                      std::ostream& err, bool tty);

} // namespace drover
