// drover's log: one line per event on stderr, whole lines only (a mutex keeps
// lines of different threads apart). Debian's CAF compiles its own logging
// out, so this is the only log there is.
#pragma once

#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace drover {

enum class log_level { error = 0, warn = 1, info = 2, debug = 3 };

/// Lines above `lvl` are dropped. Default: info.
void set_log_level(log_level lvl);
bool log_enabled(log_level lvl);
/// Writes "<level> <text>\n" to stderr in one piece.
void log_line(log_level lvl, std::string_view text);

template <class... Ts>
void log_info(fmt::format_string<Ts...> f, Ts&&... xs) {
  if (log_enabled(log_level::info))
    log_line(log_level::info, fmt::format(f, std::forward<Ts>(xs)...));
}
template <class... Ts>
void log_warn(fmt::format_string<Ts...> f, Ts&&... xs) {
  if (log_enabled(log_level::warn))
    log_line(log_level::warn, fmt::format(f, std::forward<Ts>(xs)...));
}
template <class... Ts>
void log_error(fmt::format_string<Ts...> f, Ts&&... xs) {
  log_line(log_level::error, fmt::format(f, std::forward<Ts>(xs)...));
}
template <class... Ts>
void log_debug(fmt::format_string<Ts...> f, Ts&&... xs) {
  if (log_enabled(log_level::debug))
    log_line(log_level::debug, fmt::format(f, std::forward<Ts>(xs)...));
}

} // namespace drover
