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

bool parse_strategy(std::string_view name, strategy_kind& out) {
  for (int i = 0; i < strategy_count; ++i)
    if (name == strategy_table[i]) {
      out = static_cast<strategy_kind>(i);
      return true;
    }
  return false;
}

const char* strategy_names() {
  return "round_robin, least_loaded, hash, fastest, random, weighted";
}

const char* to_string(hash_field f) {
  return hash_field_table[static_cast<int>(f)];
}

bool parse_hash_field(std::string_view name, hash_field& out) {
  for (int i = 0; i < hash_field_count; ++i)
    if (name == hash_field_table[i]) {
      out = static_cast<hash_field>(i);
      return true;
    }
  return false;
}

const char* hash_field_names() {
  return "key, job, type, payload, dedupe_key";
}

error load_rules(const std::string& path, rule_set& out) {
  std::string text;
  if (auto err = read_text_file(path, "the rules file", text))
    return error{ec::invalid_rules, err.message};
  return parse_rules(text, path, out);
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
