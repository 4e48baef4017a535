// Names of strategies and hash fields, reading a rules file, and the default
// rule set. The YAML itself is parsed in parse.cpp.
#include "rules/rule_set.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/text_input.hpp"

namespace drover {

namespace {

constexpr const char* strategy_table[strategy_count] = {
  "round_robin", "least_loaded", "hash", "fastest", "random", "weighted"};
constexpr int hash_field_count = 5;
constexpr const char* hash_field_table[hash_field_count] = {
  "key", "job", "type", "payload", "dedupe_key"};

} // namespace

const char* to_string(strategy_kind s) {
  return strategy_table[static_cast<int>(s)];
}

result<strategy_kind> parse_strategy(std::string_view name) {
  for (int i = 0; i < strategy_count; ++i)
    if (name == strategy_table[i])
      return static_cast<strategy_kind>(i);
  return error{ec::bad_input, "unknown strategy '" + std::string{name} + "' (allowed: "
                                + strategy_names() + ")"};
}

const char* strategy_names() {
  return "round_robin, least_loaded, hash, fastest, random, weighted";
}

const char* to_string(hash_field f) {
  return hash_field_table[static_cast<int>(f)];
}

result<hash_field> parse_hash_field(std::string_view name) {
  for (int i = 0; i < hash_field_count; ++i)
    if (name == hash_field_table[i])
      return static_cast<hash_field>(i);
  return error{ec::bad_input, "unknown hash field '" + std::string{name} + "' (allowed: "
                                + hash_field_names() + ")"};
}

const char* hash_field_names() {
  return "key, job, type, payload, dedupe_key";
}

result<rule_set> load_rules(const std::string& path) {
  auto text = read_text_file(path, "the rules file");
  if (!text)
    return error{ec::invalid_rules, text.err().message};
  return parse_rules(*text, path);
}

rule_set default_rules() {
  rule_set rs;
  rs.version = 0;
  rs.source = "<default>";
  rs.hash = fnv1a_hex("");
  return rs;
}

std::string fnv1a_hex(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

} // namespace drover
