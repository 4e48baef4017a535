// Child `drover run` processes for `simulate --processes` and `replay
// --processes`: fork/exec of this very binary (/proc/self/exe), stdout and
// stderr to files in a scratch folder that is also the child's working
// directory (so no config/rules.yaml or drover.db of the caller's is
// picked up), DROVER_TOKEN removed from its environment. Every wait is
// bounded, and only the PIDs started here are ever signalled. No CAF here.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace drover::replay {

/// The path of the running executable; empty if it cannot be read.
std::string self_exe();

class child {
public:
  /// Starts `args` (args[0] is the program) in `dir`; output goes to
  /// `<dir>/<name>.out` and `<dir>/<name>.err`. pid() is -1 if fork failed.
  child(const std::vector<std::string>& args, const std::string& dir, std::string name);
  virtual ~child(); ///< SIGKILLs the child if it still runs, then reaps it (bounded)

  child(const child&) = delete;
  child& operator=(const child&) = delete;

  const std::string& name() const { return name_; }
  pid_t pid() const { return pid_; }
  /// Sends `sig` to this child only, and only while it runs.
  void signal(int sig);
  /// Reaps the child if it exited; true while it runs.
  bool running();
  /// Waits at most `limit`: the exit code, 128 + signal for a signal
  /// death, or -1 if it still runs.
  int wait(std::chrono::milliseconds limit);
  /// The exit status as wait() gives it; -1 while running.
  int status() const { return status_; }
  /// Peak resident memory in KiB, known once the child was reaped (else 0).
  long peak_rss_kb() const { return rss_kb_; }

  std::string out() const; ///< everything written to stdout so far
  std::string err() const;
  /// `<dir>/<name>.ready`: where it writes its --ready-file when started
  /// with one there (ready_path, tests' ready_process).
  std::string ready_file() const { return prefix_ + ".ready"; }

private:
  std::string name_;
  std::string prefix_;
  pid_t pid_ = -1;
  int status_ = -1;
  long rss_kb_ = 0;
};

/// A fresh folder under /tmp; removed by the destructor unless keep().
class scratch {
public:
  explicit scratch(const std::string& what);
  ~scratch();
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; } ///< leave the logs for a look after a failure

private:
  std::string path_;
  bool keep_ = false;
};

/// What `drover run --ready-file=PATH` wrote once its roles were up.
struct ready_doc {
  long pid = 0;
  uint16_t registry_port = 0; ///< 0: the process runs no registry
  uint16_t http_port = 0;     ///< 0: it serves no REST
  std::string node;
  bool recovered = false;     ///< it runs a manager; then what its store held:
  uint64_t recovered_jobs = 0;
  uint64_t recovered_unfinished = 0;
  uint64_t recovered_leased = 0;
  bool exited = false;        ///< written again on the way out; then:
  int exit_code = 0;
  int64_t executed = -1;      ///< tasks its consumer ran; -1 without a consumer
};

/// The ready file at `path` as it is now; none if it is missing or not the
/// JSON drover writes.
std::optional<ready_doc> read_ready(const std::string& path);

/// Where a child named `name` in `dir` is told to write its --ready-file.
inline std::string ready_path(const std::string& dir, const std::string& name) {
  return dir + "/" + name + ".ready";
}

/// Waits at most `limit` for `path`, written by `c` once every role of it
/// is up and its ports are bound, and reads it; none if it did not appear
/// (in time, or before `c` exited), is not the JSON expected or names
/// another process.
std::optional<ready_doc> wait_ready(child& c, const std::string& path,
                                    std::chrono::milliseconds limit);

} // namespace drover::replay
