#include "exec/group_record.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/log.hpp"
#include "exec/spawn.hpp"

namespace drover {

namespace {

/// The file is rewritten with only the live groups after this many lines.
constexpr size_t rewrite_after = 4096;

} // namespace

bool still_our_group(pid_t pgid, uint64_t start_time) {
  if (pgid <= 1)
    return false;
  struct stat sb {};
  if (::stat(fmt::format("/proc/{}", pgid).c_str(), &sb) != 0)
    return true; // leader gone: members, if any, are its descendants
  return process_start_time(pgid) == start_time;
}

group_record::group_record(std::string path) : path_(std::move(path)) {}

group_record::~group_record() {
  if (fd_ >= 0)
    ::close(fd_);
}

size_t group_record::clean_up_left_over() {
  if (path_.empty())
    return 0;
  std::unordered_map<pid_t, uint64_t> left;
  std::ifstream in{path_};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss{line};
    char op = 0;
    long long pgid = 0;
    unsigned long long start = 0;
    if (!(ss >> op >> pgid))
      continue;
    if (op == '+' && (ss >> start))
      left[static_cast<pid_t>(pgid)] = start;
    else if (op == '-')
      left.erase(static_cast<pid_t>(pgid));
  }
  size_t killed = 0;
  for (auto& [pgid, start] : left)
    if (still_our_group(pgid, start) && ::kill(-pgid, SIGKILL) == 0) {
      log_warn("exec: killed process group {} left by a previous run of this consumer", pgid);
      ++killed;
    }
  live_.clear();
  rewrite();
  return killed;
}

void group_record::add(pid_t pgid, uint64_t start_time) {
  if (path_.empty())
    return;
  live_[pgid] = start_time;
  append(fmt::format("+ {} {}\n", pgid, start_time));
}

void group_record::remove(pid_t pgid) {
  if (path_.empty() || live_.erase(pgid) == 0)
    return;
  if (++appended_ >= rewrite_after)
    return rewrite();
  append(fmt::format("- {}\n", pgid));
}

void group_record::append(const std::string& line) {
  if (fd_ < 0)
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0 || ::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    log_warn("exec: cannot write {}: a restart could not clean up after this run", path_);
  ++appended_;
}

void group_record::rewrite() {
  std::string text;
  for (auto& [pgid, start] : live_)
    text += fmt::format("+ {} {}\n", pgid, start);
  auto tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0)
    ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    log_warn("exec: cannot write {}: a restart could not clean up after this run", path_);
    return;
  }
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
  appended_ = 0;
}

} // namespace drover
