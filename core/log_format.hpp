// How one line of drover's log (core/log.hpp) looks: text ("2026-12-06T22:23:33.123Z info manager: ...")
// or JSON, one object per line ({"ts","level","component","msg"}). Pure:
// the time is passed in, so tests pin it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drover {

enum class log_format { text, json };

/// "text" or "json"; none for anything else.
std::optional<log_format> parse_log_format(std::string_view name);

/// ISO-8601 UTC with milliseconds: "2026-12-06T22:23:33.123Z".
std::string iso8601_utc(int64_t unix_ms);

/// The part of drover a message comes from, read from its first word
/// ("manager: ...", "consumer c1: ...", "registry listening ..."); "drover"
/// when the first word names no part.
std::string_view log_component(std::string_view msg);

/// Text (the default) or one JSON object per line (--log-format), for
/// every line core/log.hpp writes from now on.
void set_log_format(log_format fmt);

/// One whole line, '\n' included.
std::string format_log_line(log_format fmt, std::string_view level, std::string_view msg,
                            int64_t unix_ms);

} // namespace drover
