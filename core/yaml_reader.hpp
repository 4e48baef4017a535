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
  /// A non-empty scalar; false without a report if the field is absent.
  bool read_string(const field& f, const char* what, std::string& out);
  /// A whole number in [lo, hi]; false without a report if absent.
  bool read_uint(const field& f, const char* what, uint64_t lo, uint64_t hi, uint64_t& out);
  template <class T>
  bool read_uint_as(const field& f, const char* what, uint64_t lo, uint64_t hi, T& out) {
    uint64_t v = 0;
    if (!read_uint(f, what, lo, hi, v))
      return false;
    out = static_cast<T>(v);
    return true;
  }
  /// A duration such as 250ms, 2s or 0; false without a report if absent.
  bool read_duration(const field& f, const char* what, int64_t& out_ms);
  /// true|false; false without a report if absent.
  bool read_bool(const field& f, const char* what, bool& out);
  /// A sequence of non-empty scalars, or (if `one_ok`) one scalar; false
  /// without a report if absent.
  bool read_list(const field& f, const char* what, std::vector<std::string>& out,
                 bool one_ok = true);

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
