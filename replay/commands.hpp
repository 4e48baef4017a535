// `drover replay FILE.yaml` and `drover simulate` on the command line.
// main.cpp calls add_replay_commands() before parsing and
// run_replay_command() after: it returns the exit code when one of the two
// subcommands was given, nullopt otherwise. No CAF here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace drover::replay {

/// The two subcommands and their flags, filled in by CLI11's parse.
struct replay_commands {
  CLI::App* replay = nullptr;
  CLI::App* simulate = nullptr;
  // replay
  std::string file;
  std::string clock = "virtual";   ///< virtual | real
  int64_t tolerance_ms = -1;       ///< real clock only; -1: the default (real_options)
  bool processes = false;
  std::string trace_path;          ///< also write the trace here
  bool quiet = false;              ///< report only, no trace on stdout
  // simulate
  uint32_t consumers = 4;
  uint32_t producers = 1;
  uint64_t tasks = 100000;
  std::string type = "noop";       ///< noop | sleep:MS | burn:US
  uint32_t capacity = 64;
  std::string prefetch = "auto";   ///< each consumer's --prefetch
  bool json = false;
  bool sim_processes = false;
  uint32_t time_limit_s = 300;     ///< --processes: longest wait for the producers
  std::string store = "memory";    ///< the manager's store: memory | sqlite:PATH | postgres://...
  uint64_t payload_bytes = 0;      ///< noop: each task's payload size
  uint64_t queued = 0;             ///< tasks queued before the consumers join
};

/// Adds the `replay` and `simulate` subcommands to `app`.
std::unique_ptr<replay_commands> add_replay_commands(CLI::App& app);

/// Runs the subcommand that was parsed; nullopt if neither was.
/// replay: 0 every expectation holds, 1 one failed, 2 bad file or flags.
std::optional<int> run_replay_command(replay_commands& cmds);

} // namespace drover::replay
