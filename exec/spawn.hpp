// Starting a child process for a handler, safely from a multi-threaded
// program: vfork + execve with only async-signal-safe calls in between. The
// child runs in its own session and process group (setsid), dies with the
// thread that started it (PR_SET_PDEATHSIG), has rlimits, a working
// directory and exactly the environment it is given; its stdin, stdout and
// stderr are pipes to us (non-blocking on our side). No CAF here.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.hpp"

namespace drover {

struct spawn_plan {
  std::vector<std::string> argv;   ///< argv[0] is an absolute path
  std::vector<std::string> env;    ///< "NAME=value" each; nothing else is passed
  std::string cwd;                 ///< empty: ours
  bool stdin_pipe = true;          ///< false: /dev/null
  uint64_t rlimit_cpu_s = 0;       ///< 0: unlimited
  uint64_t rlimit_as = 0;
  uint64_t rlimit_nofile = 0;
};

/// A started child. Our ends of its pipes are non-blocking and close-on-exec;
/// -1 where there is none. The pid is also its process group and session.
struct spawned {
  pid_t pid = -1;
  int pidfd = -1;        ///< readable once the child exited (for epoll)
  int in = -1;
  int out = -1;
  int err = -1;
  uint64_t start_time = 0; ///< clock ticks since boot (/proc/PID/stat): tells a reused pid apart
};

/// Starts `plan`; on failure (no such program, bad cwd, ...) nothing is left
/// running and the error says what failed. Call it from a thread that lives
/// as long as the child should (PR_SET_PDEATHSIG follows the thread).
result<spawned> spawn_process(const spawn_plan& plan);

/// Closes every fd of `s` that is still open (sets them to -1).
void close_fds(spawned& s);

/// The start time of `pid` from /proc (0 if it is gone).
uint64_t process_start_time(pid_t pid);

/// The text of a small /proc file; empty if it cannot be read. Plain
/// read(2): a process that ends while its file is read makes libstdc++'s
/// streams throw, and nothing on the I/O thread may throw.
std::string read_proc_file(const std::string& path);

/// "exit code 3", "killed by signal SIGKILL (9)", from a waitid() status.
std::string describe_exit(int exit_kind, int exit_value);

/// Blocks every signal in the calling thread; a thread that spawns children
/// calls it first, so no handler can run in a vfork child between fork and exec.
void block_all_signals_in_this_thread();

} // namespace drover
