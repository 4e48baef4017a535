// Reading a user's text file (config, rules, job definition) and checking
// that a text is UTF-8, before any parser sees it: a directory, a device
// that never ends, binary junk or a stray NUL byte each get one line naming
// the file and, for bad bytes, line:column. No CAF here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/errors.hpp"

namespace drover {

/// Files larger than this are refused: config, rules and job files are
/// hand-written text, and reading stops here even on an endless device.
constexpr std::size_t max_text_file = std::size_t{64} << 20;

/// Reads `path` whole. ec::bad_input "PATH: <what> ..." for a missing or
/// unreadable file, a directory, or one over `max_bytes`; the text is then
/// checked with check_text(). `what` names the file's role, e.g. "the
/// config file".
[[nodiscard]] result<std::string> read_text_file(const std::string& path, const std::string& what,
                                                 std::size_t max_bytes = max_text_file);

/// ec::bad_input "SOURCE:LINE:COLUMN: ..." at the first byte that is not
/// UTF-8 or is a NUL; no error for valid text.
[[nodiscard]] error check_text(std::string_view text, std::string_view source);

/// A whole decimal number that fits 64 bits: digits only, no sign, no
/// spaces; ec::bad_input otherwise. The one reader of numbers in ids,
/// query parameters and payloads.
[[nodiscard]] result<uint64_t> parse_whole_number(std::string_view text);

/// True if `text` is UTF-8 (NUL bytes included, as in any string).
[[nodiscard]] bool is_utf8(std::string_view text);

} // namespace drover
