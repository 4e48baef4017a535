// Child processes for cross-process tests: replay::child (fork/exec, output
// to files, every wait bounded, only the PIDs started here are killed), with
// the log prefix the tests use. The child runs in the log's folder (a
// scratch dir), so no config/rules.yaml or drover.db of the caller's leaks in.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "replay/child.hpp"

namespace drover::testing {

class child_process : public replay::child {
public:
  /// Starts `args` (args[0] is the program) in the folder of `log_prefix`;
  /// stdout and stderr go to `<log_prefix>.out` and `<log_prefix>.err`.
  child_process(const std::vector<std::string>& args, const std::string& log_prefix);
};

/// A fresh temp directory, removed with everything in it by the destructor.
struct scratch_dir {
  scratch_dir();
  ~scratch_dir();
  std::string path;
};

/// A `drover run` started with --ready-file=<log_prefix>.ready added, so a
/// test waits for its readiness contract (every role up, ports bound,
/// members registered) instead of for log wording.
class ready_process : public child_process {
public:
  ready_process(std::vector<std::string> args, const std::string& log_prefix);

  /// REQUIREs the ready file within `limit` (the log is shown if not);
  /// what it holds: pid, bound ports, node.
  replay::ready_doc ready(std::chrono::milliseconds limit = std::chrono::seconds(10));
  /// "--registry=127.0.0.1:PORT" of a process that runs the registry.
  std::string registry_flag(std::chrono::milliseconds limit = std::chrono::seconds(10));

private:
  std::string path_;
};

/// How many tasks a consumer ran, from the exit record of its ready file
/// (started as a ready_process, and stopped); REQUIREs that record.
uint64_t executed_by(const child_process& consumer);

} // namespace drover::testing
