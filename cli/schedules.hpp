// `drover schedules list|get|create|start|stop|delete`: recurring jobs over
// the REST API (http/API.md, "Schedules"). Internal to cli/: commands.cpp
// adds the subcommands and runs the one parsed.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace drover {

struct client_options;
struct client_io;
class api_client;

/// What `drover schedules ...` parsed.
struct schedule_cli {
  std::string id;             ///< get/start/stop/delete: the schedule's id
  std::string name;           ///< create
  std::string every, cron;    ///< create: one of them
  std::string catch_up;       ///< create: none|one|all (the server's default: one)
  bool stopped = false;       ///< create: do not start it
  std::string job_file;       ///< create: the POST /v1/jobs body
  std::string type = "noop";  ///< create without a file: N tasks of this type
  std::string payload;
  uint64_t tasks = 1;
  CLI::App* list = nullptr;
  CLI::App* get = nullptr;
  CLI::App* create = nullptr;
  CLI::App* start = nullptr;
  CLI::App* stop = nullptr;
  CLI::App* remove = nullptr;
};

/// Adds `schedules` and its subcommands to `app`; `common` adds --server,
/// --token, --json ... to each.
std::unique_ptr<schedule_cli> add_schedule_commands(
  CLI::App& app, client_options& opts, void (*common)(CLI::App*, client_options&));

/// Runs the schedules subcommand that was parsed; nullopt if none was.
std::optional<int> run_schedule_command(const schedule_cli& s, bool as_json, api_client& api,
                                        client_io& io);

/// True if one of its subcommands was parsed.
bool schedule_command_parsed(const schedule_cli& s);

} // namespace drover
