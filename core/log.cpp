#include "core/log.hpp"

#include "core/log_format.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace drover {

namespace {

std::atomic<int> current_level{static_cast<int>(log_level::info)};
std::atomic<int> current_format{static_cast<int>(log_format::text)};
std::mutex write_mutex;
constexpr const char* level_names[] = {"error", "warn", "info", "debug"};

} // namespace

void set_log_level(log_level lvl) { current_level = static_cast<int>(lvl); }

bool log_enabled(log_level lvl) { return static_cast<int>(lvl) <= current_level; }

void set_log_format(log_format fmt) { current_format = static_cast<int>(fmt); }

void log_line(log_level lvl, std::string_view text) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto line = format_log_line(static_cast<log_format>(current_format.load()),
                              level_names[static_cast<int>(lvl)], text,
                              std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  std::lock_guard<std::mutex> guard{write_mutex};
  std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace drover
