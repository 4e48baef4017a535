#include "tests/unit/exec_support.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "exec/spawn.hpp"

namespace drover::testing {

void outcome_box::push(exec_outcome o) {
  std::lock_guard<std::mutex> guard{mtx};
  outs.push_back(std::move(o));
  cv.notify_all();
}

bool outcome_box::wait_for(size_t n, std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock{mtx};
  return cv.wait_for(lock, limit, [&] { return outs.size() >= n; });
}

exec_outcome outcome_box::at(size_t i) {
  std::lock_guard<std::mutex> guard{mtx};
  return outs.at(i);
}

size_t outcome_box::size() {
  std::lock_guard<std::mutex> guard{mtx};
  return outs.size();
}

int live_in_group(pid_t pgid) {
  int n = 0;
  DIR* d = ::opendir("/proc");
  if (d == nullptr)
    return -1;
  while (auto* e = ::readdir(d)) {
    char* end = nullptr;
    auto pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0)
      continue;
    auto text = read_proc_file("/proc/" + std::string{e->d_name} + "/stat"); // may vanish

    auto close = text.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream rest{text.substr(close + 2)};
    char state = 0;
    long ppid = 0, pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z' && state != 'X')
      ++n;
  }
  ::closedir(d);
  return n;
}

std::chrono::milliseconds wait_group_empty(pid_t pgid, std::chrono::milliseconds limit) {
  auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t0);
    if (live_in_group(pgid) == 0)
      return took;
    if (took >= limit)
      return limit;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

pid_t wait_pid_file(const std::string& path, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream in{path};
    long pid = 0;
    if (in >> pid && pid > 0)
      return static_cast<pid_t>(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

uint64_t own_rss() {
  std::ifstream in{"/proc/self/statm"};
  uint64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

temp_dir::temp_dir() {
  char tmpl[] = "/tmp/drover-exec-XXXXXX";
  path = ::mkdtemp(tmpl);
}

temp_dir::~temp_dir() {
  std::string cmd = "rm -rf '" + path + "'";
  [[maybe_unused]] int rc = std::system(cmd.c_str());
}

exec_request request(task_id id, std::string type, std::string payload, uint32_t attempt) {
  exec_request r;
  r.id = id;
  r.lease = 1;
  r.attempt = attempt;
  r.type = std::move(type);
  r.payload = std::move(payload);
  return r;
}

} // namespace drover::testing
