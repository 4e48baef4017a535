#include "core/log_format.hpp"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace drover {

std::optional<log_format> parse_log_format(std::string_view name) {
  if (name == "text")
    return log_format::text;
  if (name == "json")
    return log_format::json;
  return std::nullopt;
}

std::string iso8601_utc(int64_t unix_ms) {
  auto secs = static_cast<std::time_t>(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
  auto ms = static_cast<int>(unix_ms - static_cast<int64_t>(secs) * 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

std::string_view log_component(std::string_view msg) {
  // The parts whose lines start with their name; anything else is the
  // process itself (signals, readiness, the supervisor's alerts).
  static constexpr std::string_view parts[] = {
    "registry", "manager", "consumer", "producer", "mailbox", "courier", "scheduler",
    "schedules", "supervisor", "http", "rules", "exec", "worker", "store", "handlers"};
  auto end = msg.find_first_of(" :[");
  auto first = msg.substr(0, end);
  for (auto p : parts)
    if (first == p)
      return p;
  if (first == "schedule")
    return "scheduler";
  return "drover";
}

std::string format_log_line(log_format fmt, std::string_view level, std::string_view msg,
                            int64_t unix_ms) {
  if (fmt == log_format::text)
    return fmt::format("{} {} {}\n", iso8601_utc(unix_ms), level, msg);
  nlohmann::json j{{"ts", iso8601_utc(unix_ms)},
                   {"level", level},
                   {"component", log_component(msg)},
                   {"msg", msg}};
  // Bytes that are not UTF-8 (a handler's output quoted in a message)
  // become U+FFFD rather than an exception in the logger.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace drover
