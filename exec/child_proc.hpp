// One child process on the I/O loop, for exec tasks and workers alike: its
// pipes are read as data arrives (bounded chunks, so one chatty child
// cannot starve the others), stdin is written without blocking, and its end
// is seen through its pidfd. When the child exits, whatever is left of its
// process group is killed at once, the child is reaped, and `on_exit` runs
// once both output pipes closed. Loop thread only. No CAF here.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/errors.hpp"
#include "exec/spawn.hpp"

namespace drover {

class io_loop;
class group_record;

class child_proc {
public:
  /// Only on_exit may destroy the child; the others must not.
  struct hooks {
    std::function<void(const char* data, size_t n)> on_stdout;
    std::function<void(const char* data, size_t n)> on_stderr;
    /// Last call of this child (the owner may destroy it in here): how the
    /// leader ended, as waitid() told it (CLD_EXITED and the code, or the signal).
    std::function<void(int exit_kind, int exit_value)> on_exit;
  };

  /// Spawns `plan`, records its group and starts watching it.
  static result<std::unique_ptr<child_proc>> start(io_loop& loop, group_record& groups,
                                                   const spawn_plan& plan, hooks h);
  ~child_proc();

  /// Queues `data` for its stdin (written as the pipe takes it).
  void write(std::string data);
  /// Closes stdin once everything queued is written.
  void close_stdin();
  /// SIGTERM to the whole group now, SIGKILL `grace` later if still alive.
  void terminate(std::chrono::milliseconds grace);
  /// SIGKILL to the whole group now.
  void kill_group();
  pid_t pid() const { return s_.pid; }
  bool exited() const { return exited_; }
  /// Reads what the child has written to stderr so far (a worker writes its
  /// log before its result, but the two pipes are read independently).
  void read_stderr_now() { on_readable(s_.err, err_token_, true); }
  /// Bytes queued for stdin and not yet taken by the pipe.
  size_t unwritten() const { return in_buf_.size() - in_off_; }

private:
  child_proc(io_loop& loop, group_record& groups, hooks h);
  void on_readable(int& fd, uint64_t& token, bool is_err);
  void on_writable();
  void on_pidfd();
  void close_out(int& fd, uint64_t& token);
  void maybe_finish();

  io_loop& loop_;
  group_record& groups_;
  hooks hooks_;
  spawned s_;
  uint64_t out_token_ = 0, err_token_ = 0, in_token_ = 0, pid_token_ = 0;
  std::string in_buf_;
  size_t in_off_ = 0;
  bool close_in_after_ = false;
  bool exited_ = false;
  bool finished_ = false;
  int exit_kind_ = 0, exit_value_ = 0;
  uint64_t kill_timer_ = 0, drain_timer_ = 0;
};

} // namespace drover
