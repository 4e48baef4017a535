#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace drover {

namespace {

std::atomic<int> current_level{static_cast<int>(log_level::info)};
std::mutex write_mutex;
constexpr const char* level_names[] = {"error", "warn", "info", "debug"};

} // namespace

void set_log_level(log_level lvl) { current_level = static_cast<int>(lvl); }

bool log_enabled(log_level lvl) { return static_cast<int>(lvl) <= current_level; }

void log_line(log_level lvl, std::string_view text) {
  std::string line = level_names[static_cast<int>(lvl)];
  line += ' ';
  line += text;
  line += '\n';
  std::lock_guard<std::mutex> guard{write_mutex};
  std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace drover
