// Child processes for cross-process tests: started with fork/exec, output
// to files, every wait bounded, and only the PIDs started here are killed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace drover::testing {

class child_process {
public:
  /// Starts `args` (args[0] is the program); stdout and stderr go to
  /// `<log_prefix>.out` and `<log_prefix>.err`.
  child_process(std::vector<std::string> args, std::string log_prefix);
  ~child_process(); ///< SIGKILLs the child if it still runs

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  /// Sends `sig` to this child only.
  void signal(int sig);
  /// Waits at most `limit` for the exit; the exit code, or -1 on time-out
  /// (or a signal death: 128 + signal number).
  int wait(std::chrono::milliseconds limit);
  bool running();

  std::string out() const; ///< everything written to stdout so far
  std::string err() const;
  /// Waits at most `limit` until stderr contains `text`.
  bool wait_for_err(const std::string& text, std::chrono::milliseconds limit);
  /// The same for stdout.
  bool wait_for_out(const std::string& text, std::chrono::milliseconds limit);

private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string prefix_;
};

/// A fresh temp directory (removed by the caller's scratch_dir).
struct scratch_dir {
  scratch_dir();
  ~scratch_dir();
  std::string path;
};

/// The "executed N tasks" a consumer logs when it stops; 0 if absent.
uint64_t executed_by(const child_process& consumer);

/// Finds "<what> listening on 127.0.0.1:PORT" in a log; 0 if absent.
uint16_t listening_port(const std::string& log, const std::string& what = "registry");

} // namespace drover::testing
