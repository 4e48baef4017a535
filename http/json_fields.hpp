// Field readers for JSON request bodies, one precise "path: what" message
// per problem (defined in http/job_json.cpp, shared by the job and the
// worker routes). Bodies are read as nlohmann::ordered_json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"

namespace drover {

/// What a value is, for "expected X, got Y": scalars by value (strings cut
/// short), containers by kind, so huge inputs never end up in a reply.
std::string describe_json(const nlohmann::ordered_json& v);
/// Reads the fields of one JSON object in turn, one precise "path: what"
/// per problem. The first problem is kept and every later read answers
/// nothing, so a parser reads field after field and asks once at the end:
/// an absent optional field answers nullopt and the caller keeps its default.
class json_fields {
public:
  /// `prefix` is the object's path in messages ("tasks[3]"; "" at the top).
  json_fields(const nlohmann::ordered_json& obj, std::string prefix)
    : obj_(obj), prefix_(std::move(prefix)) {}

  /// Records `err` unless a problem is kept already: a check between reads
  /// (unknown keys, a length) keeps its place in the order of problems.
  void check(error err);
  /// An optional string. No control characters (it is a name, shown in
  /// tables and logs), except in a field called "payload".
  std::optional<std::string> text(const char* key);
  /// A required, non-empty string (same rule on control characters).
  std::optional<std::string> name(const char* key);
  /// An optional integer in [lo, hi]; 1.0 or "1" are not integers.
  std::optional<uint64_t> number(const char* key, uint64_t lo, uint64_t hi);
  /// An optional array of non-empty names (no control characters).
  std::optional<std::vector<std::string>> names(const char* key);

  /// The first problem, or no error.
  [[nodiscard]] const error& problem() const { return problem_; }

private:
  std::optional<std::string> read_text(const char* key, bool required);

  const nlohmann::ordered_json& obj_;
  std::string prefix_;
  error problem_;
};

} // namespace drover
