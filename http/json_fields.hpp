// Field readers for JSON request bodies, one precise "path: what" message
// per problem (defined in http/job_json.cpp, shared by the job and the
// worker routes). Bodies are read as nlohmann::ordered_json.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"

namespace drover {

/// What a value is, for "expected X, got Y": scalars by value (strings cut
/// short), containers by kind, so huge inputs never end up in a reply.
std::string describe_json(const nlohmann::ordered_json& v);
/// Reads a string field if present; `required` fields must exist and
/// `nonempty` ones must not be "". No control characters (a name), except
/// in a field called "payload".
template <class Text>
error read_string(const nlohmann::ordered_json& obj, const char* key, const std::string& prefix,
                  Text& out, bool required, bool nonempty);
/// Reads an optional integer field in [lo, hi]; 1.0 or "1" are not integers.
error read_uint(const nlohmann::ordered_json& obj, const char* key, const std::string& prefix,
                uint64_t lo, uint64_t hi, uint64_t& out);
/// Reads an optional array of non-empty names (no control characters) at obj[key].
error read_names(const nlohmann::ordered_json& obj, const char* key, const std::string& prefix,
                 std::vector<std::string>& out);
/// read_names(obj, "tags", ...).
error read_tags(const nlohmann::ordered_json& obj, const std::string& prefix,
                std::vector<std::string>& out);

} // namespace drover
