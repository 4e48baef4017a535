// Positioned reading of YAML for the rules (rules/parse.cpp) and the
// scenarios (replay/): every problem is collected as "source:line:column:
// what is wrong" and the parse goes on, so a user fixes a file in one round.
// Included only by parser files; no CAF here.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/errors.hpp"

namespace drover {

using keys = std::initializer_list<const char*>;

/// A key/value pair of a mapping, with the key's position for messages about
/// a value that has none (an empty `tasks:` has no mark of its own).
struct field {
  YAML::Node key;
  YAML::Node value;
  bool found = false;
  explicit operator bool() const { return found; }
  YAML::Mark mark() const;
};

/// The field `name` of mapping `map`; not found if `map` is no mapping.
field find(const YAML::Node& map, const char* name);

class yaml_reader {
public:
  explicit yaml_reader(std::string source) : source_(std::move(source)) {}
  virtual ~yaml_reader() = default;

  void fail(const YAML::Mark& m, const std::string& what);
  bool ok() const { return problems_.empty(); }
  /// The problems in file order, one per line.
  std::string report();

  /// True if `n` is a mapping; reports every unknown or repeated key.
  bool check_map(const YAML::Node& n, const YAML::Mark& at, const std::string& what,
                 keys allowed);
  // The read_* functions return the value, or an error: "'<what>' is
  // missing" (not reported: most fields are optional, and a caller that
  // needs one says so) or what is wrong with it (reported as well, so the
  // caller may drop it). Test for presence with the field, not the error.

  /// A non-empty scalar.
  [[nodiscard]] result<std::string> read_string(const field& f, const char* what);
  /// A whole number in [lo, hi].
  [[nodiscard]] result<uint64_t> read_uint(const field& f, const char* what, uint64_t lo,
                                           uint64_t hi);
  /// A duration such as 250ms, 2s or 0, in milliseconds.
  [[nodiscard]] result<int64_t> read_duration(const field& f, const char* what);
  /// true|false.
  [[nodiscard]] result<bool> read_bool(const field& f, const char* what);
  /// A sequence of non-empty scalars, or (if `one_ok`) one scalar.
  [[nodiscard]] result<std::vector<std::string>> read_list(const field& f, const char* what,
                                                           bool one_ok = true);

protected:
  /// The error of an absent field `what`.
  static error missing(const char* what);
  /// Reports `what` at `f` and returns it as a bad_input error.
  error invalid(const field& f, const std::string& what);

private:
  struct problem {
    int line = 0;
    int column = 0;
    std::string text;
  };
  std::string source_;
  std::vector<problem> problems_;
};

} // namespace drover
