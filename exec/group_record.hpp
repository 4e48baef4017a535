// The process groups a consumer's handlers started, kept in a small file
// (exec-groups-<node> in its data directory), so that a consumer restarted
// after a SIGKILL can kill the groups its predecessor left behind. Each
// entry holds the leader's start time: a pid the system has since given to
// a stranger is never signalled. Used from one thread (the I/O loop). No CAF.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <unordered_map>

namespace drover {

class group_record {
public:
  /// `path` empty: nothing is recorded (and nothing cleaned up).
  explicit group_record(std::string path = {});
  ~group_record();
  group_record(const group_record&) = delete;
  group_record& operator=(const group_record&) = delete;

  /// Kills (SIGKILL) every group the file names that is still ours, then
  /// starts a fresh file. Returns how many groups were signalled.
  size_t clean_up_left_over();
  void add(pid_t pgid, uint64_t start_time);
  void remove(pid_t pgid);
  const std::string& path() const { return path_; }

private:
  void append(const std::string& line);
  void rewrite();

  std::string path_;
  int fd_ = -1;
  std::unordered_map<pid_t, uint64_t> live_;
  size_t appended_ = 0;  ///< lines since the last rewrite
};

/// True if group `pgid`, recorded with leader start time `start_time`, may
/// still be ours: its leader is that same process (maybe a zombie), or the
/// leader is gone (a pid stays reserved while its group has members, so any
/// members left are the leader's).
bool still_our_group(pid_t pgid, uint64_t start_time);

} // namespace drover
