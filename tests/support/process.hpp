// Child processes for cross-process tests: replay::child (fork/exec, output
// to files, every wait bounded, only the PIDs started here are killed), with
// the log prefix the tests use. The child runs in the log's folder (a
// scratch dir), so no config/rules.yaml or drover.db of the caller's leaks in.
#pragma once

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

/// The "executed N tasks" a consumer logs when it stops; 0 if absent.
uint64_t executed_by(const child_process& consumer);

/// Finds "<what> listening on 127.0.0.1:PORT" in a log; 0 if absent.
inline uint16_t listening_port(const std::string& log, const std::string& what = "registry") {
  return replay::listening_port(log, what);
}

} // namespace drover::testing
