// See yaml_reader.hpp. yaml-cpp only throws from parsing (caught by the
// callers: rules/parse.cpp, replay/scenario_parse.cpp); node access here
// uses checked calls only.
#include "core/yaml_reader.hpp"

#include "core/text_input.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace drover {

namespace {

std::string join(keys allowed) {
  std::string out;
  for (auto* k : allowed)
    out += (out.empty() ? "" : ", ") + std::string{k};
  return out;
}


} // namespace

YAML::Mark field::mark() const {
  return value.IsNull() || value.Mark().is_null() ? key.Mark() : value.Mark();
}

field find(const YAML::Node& map, const char* name) {
  if (!map.IsMap())
    return {};
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == name)
      return field{it->first, it->second, true};
  return {};
}

void yaml_reader::fail(const YAML::Mark& m, const std::string& what) {
  if (m.is_null())
    problems_.push_back({0, 0, fmt::format("{}: {}", source_, what)});
  else
    problems_.push_back({m.line + 1, m.column + 1,
                         fmt::format("{}:{}:{}: {}", source_, m.line + 1, m.column + 1, what)});
}

std::string yaml_reader::report() {
  std::stable_sort(problems_.begin(), problems_.end(), [](auto& a, auto& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::string out;
  for (const auto& p : problems_)
    out += (out.empty() ? "" : "\n") + p.text;
  return out;
}

bool yaml_reader::check_map(const YAML::Node& n, const YAML::Mark& at, const std::string& what,
                            keys allowed) {
  if (!n.IsMap()) {
    fail(at, fmt::format("{} must be a mapping with keys: {}", what, join(allowed)));
    return false;
  }
  std::map<std::string, int> seen; // key -> 1-based line
  for (auto it = n.begin(); it != n.end(); ++it) {
    const auto& k = it->first;
    auto name = k.IsScalar() ? k.Scalar() : std::string{"<not a name>"};
    bool known = k.IsScalar() && std::any_of(allowed.begin(), allowed.end(),
                                             [&](const char* a) { return name == a; });
    if (!known)
      fail(k.Mark(), fmt::format("unknown key '{}' in {} (allowed: {})", name, what,
                                 join(allowed)));
    else if (auto [pos, fresh] = seen.emplace(name, k.Mark().line + 1); !fresh)
      fail(k.Mark(), fmt::format("duplicate key '{}' in {} (first on line {})", name, what,
                                 pos->second));
  }
  return true;
}

error yaml_reader::missing(const char* what) {
  return error{ec::bad_input, fmt::format("'{}' is missing", what)};
}

error yaml_reader::invalid(const field& f, const std::string& what) {
  fail(f.mark(), what);
  return error{ec::bad_input, what};
}

result<std::string> yaml_reader::read_string(const field& f, const char* what) {
  if (!f)
    return missing(what);
  if (!f.value.IsScalar() || f.value.Scalar().empty())
    return invalid(f, fmt::format("'{}' must be a non-empty string", what));
  return f.value.Scalar();
}

result<uint64_t> yaml_reader::read_uint(const field& f, const char* what, uint64_t lo,
                                        uint64_t hi) {
  if (!f)
    return missing(what);
  const std::string s = f.value.IsScalar() ? f.value.Scalar() : std::string{};
  auto n = parse_whole_number(s);
  if (!n || *n < lo || *n > hi) {
    auto got = f.value.IsScalar() ? fmt::format("'{}'", s) : std::string{"no number"};
    auto range = hi == UINT64_MAX ? std::string{"(e.g. 1)"} : fmt::format("from {} to {}", lo, hi);
    return invalid(f, fmt::format("'{}' must be a whole number {}, got {}", what, range, got));
  }
  return *n;
}

result<int64_t> yaml_reader::read_duration(const field& f, const char* what) {
  if (!f)
    return missing(what);
  const std::string s = f.value.IsScalar() ? f.value.Scalar() : std::string{};
  uint64_t v = 0;
  bool ok = false;
  if (s == "0") {
    ok = true;
  } else if (s.size() > 2 && s.compare(s.size() - 2, 2, "ms") == 0) {
    auto n = parse_whole_number(std::string_view{s}.substr(0, s.size() - 2));
    ok = n.ok();
    v = ok ? *n : 0;
  } else if (s.size() > 1 && s.back() == 's') {
    auto n = parse_whole_number(std::string_view{s}.substr(0, s.size() - 1));
    ok = n && *n <= 100000000;
    v = ok ? *n * 1000 : 0;
  }
  if (!ok || v > 1000000000000ULL)
    return invalid(f, fmt::format("'{}' must be a duration such as 250ms or 2s, got '{}'", what,
                                  s));
  return static_cast<int64_t>(v);
}

result<bool> yaml_reader::read_bool(const field& f, const char* what) {
  if (!f)
    return missing(what);
  const std::string s = f.value.IsScalar() ? f.value.Scalar() : std::string{};
  if (s != "true" && s != "false")
    return invalid(f, fmt::format("'{}' must be true or false, got '{}'", what, s));
  return s == "true";
}

result<std::vector<std::string>> yaml_reader::read_list(const field& f, const char* what,
                                                        bool one_ok) {
  if (!f)
    return missing(what);
  if (one_ok && f.value.IsScalar() && !f.value.Scalar().empty())
    return std::vector<std::string>{f.value.Scalar()};
  if (!f.value.IsSequence())
    return invalid(f, fmt::format("'{}' must be a list, e.g. {}: [a, b]", what, what));
  std::vector<std::string> out;
  error first;
  for (const auto& item : f.value)
    if (item.IsScalar() && !item.Scalar().empty()) {
      out.push_back(item.Scalar());
    } else {
      auto what_is_wrong = fmt::format("each item of '{}' must be a non-empty string", what);
      fail(item.Mark(), what_is_wrong);
      if (!first)
        first = error{ec::bad_input, what_is_wrong};
    }
  if (first)
    return first;
  return out;
}

} // namespace drover
