// What the two halves of worker_pool (worker_pool.cpp: processes starting,
// ending and crashing; worker_tasks.cpp: the protocol and the tasks) share:
// one worker process's state. Private to exec/.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "exec/child_proc.hpp"
#include "exec/process_env.hpp"
#include "exec/spawn.hpp"
#include "exec/worker_pool.hpp"

namespace drover {

namespace worker_detail {

using ms = std::chrono::milliseconds;
constexpr size_t max_line = 8 << 20;   ///< a longer line is not protocol
constexpr ms max_backoff{30000};

enum class proc_state : uint8_t { down, starting, idle, busy, stopping };

inline uint64_t rss_bytes(pid_t pid) {
  auto text = read_proc_file(fmt::format("/proc/{}/statm", pid)); // "size resident ..."
  auto space = text.find(' ');
  uint64_t resident = space == std::string::npos ? 0 : std::strtoull(text.c_str() + space, nullptr, 10);
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

inline std::string clip(std::string_view s, size_t n = 200) {
  return s.size() <= n ? std::string{s} : std::string{s.substr(0, n)} + "...";
}

} // namespace worker_detail

struct worker_pool::proc {
  std::unique_ptr<child_proc> child;
  worker_detail::proc_state state = worker_detail::proc_state::down;
  pid_t pid = 0;
  std::string partial;            ///< stdout bytes after the last newline
  std::string err_line;           ///< stderr bytes after the last newline
  tail_buffer err;                ///< its stderr, for a crash report
  std::set<std::string> types;
  bool has_task = false;
  bool answered = false;          ///< the attempt already has its outcome (timeout, cancel)
  exec_request task;
  tail_buffer log;                ///< stderr and log lines during the task
  std::chrono::steady_clock::time_point started;
  uint64_t tasks_done = 0;
  uint64_t task_timer = 0, ready_timer = 0, respawn_timer = 0, stop_timer = 0;
  std::string kill_reason;        ///< why we killed it, if we did
  bool expected_exit = false;     ///< we asked it to go: not a crash
};


} // namespace drover
