// Glob patterns for rule matching (`match: { type: "render.*" }`): `*` any run
// of characters, `?` one character, anything else literal. Compiled once at
// parse time into the cheapest matcher (exact, prefix, suffix, any, general),
// because the manager runs them for every task it assigns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace drover {

/// Task type names use only [A-Za-z0-9_.:-]. A type glob with any other
/// character (other than `*` and `?`) can never match a task type.
bool is_type_char(char c);

/// Why `pattern` can never match a task type (it is empty, or has a
/// character outside the charset), or an empty string if it can.
std::string why_type_glob_cannot_match(std::string_view pattern);

class glob {
public:
  /// Matches everything, like "*".
  glob() = default;
  explicit glob(std::string pattern);

  /// True if the whole of `text` matches the pattern.
  bool matches(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }
  bool matches_all() const { return kind_ == kind::any; }

private:
  enum class kind : uint8_t { any, exact, prefix, suffix, general };
  bool match_general(std::string_view text) const;

  std::string pattern_ = "*";
  std::string literal_; ///< the fixed part for exact/prefix/suffix
  kind kind_ = kind::any;
};

} // namespace drover
