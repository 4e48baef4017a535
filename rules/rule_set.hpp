// The validated, immutable assignment rules of DESIGN.md §4: first-match rules
// on a task's type, priority, job and wanted tags, each naming a member filter
// and a strategy. parse.cpp builds one from YAML (yaml-cpp stays out of this
// header); the manager swaps whole sets and hands them to an `assigner`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "rules/glob.hpp"

namespace drover {

/// How a consumer is picked among those that fit (rules/assign.hpp has the
/// exact behaviour of each).
enum class strategy_kind : uint8_t {
  round_robin,  ///< next fitting consumer after the last one chosen
  least_loaded, ///< lowest inflight / limit
  hash,         ///< consistent hash of a task field: same key, same consumer
  fastest,      ///< lowest moving average run time for the task's type
  random,       ///< seeded, so replays choose the same
  weighted,     ///< lowest (inflight + 1) / limit * average run ms
};
constexpr int strategy_count = 6;
const char* to_string(strategy_kind s);
/// Accepts the names above (round_robin, ...); ec::bad_input otherwise.
[[nodiscard]] result<strategy_kind> parse_strategy(std::string_view name);
/// "round_robin, least_loaded, ..." for error messages.
const char* strategy_names();

/// The task field the hash strategy hashes (YAML `key:`).
enum class hash_field : uint8_t {
  key,        ///< task_spec.key, the routing key (the usual choice)
  job,        ///< task.job, the numeric job id: a job's tasks stay together
  type,       ///< task_spec.type
  payload,    ///< task_spec.payload
  dedupe_key, ///< task_spec.dedupe_key
};
const char* to_string(hash_field f);
/// Accepts the names above (key, job, ...); ec::bad_input otherwise.
[[nodiscard]] result<hash_field> parse_hash_field(std::string_view name);
const char* hash_field_names();

/// What a task must look like for a rule to apply. Every given condition
/// must hold; an empty rule_match matches every task.
struct rule_match {
  glob type;                        ///< on task_spec.type; default "*"
  uint8_t priorities = 0b111;       ///< bit (1 << priority) per accepted value
  std::vector<std::string> tags;    ///< the task must want all of these
  glob job;                         ///< on the job name; default "*"
};

/// Which members a rule may choose (YAML `to:`), on top of the task's own
/// wanted tags, which a member must always offer.
struct member_filter {
  std::vector<std::string> tags;    ///< the member must offer all of these
  std::vector<std::string> nodes;   ///< if not empty, the member must be one

  bool is_empty() const { return tags.empty() && nodes.empty(); }
};

/// The `weighted` strategy's tuning (YAML `weights: {busyness: B, efficiency: E}`).
/// score = load^B * avg_run_ms^E, i.e. log score = B*log(load) + E*log(time):
/// a weighted sum of the two logs, so the units of either cancel out.
/// 1/1 is the plain product; B=1,E=0 is least_loaded; B=0,E=1 is fastest.
struct strategy_weights {
  double busyness = 1.0;   ///< exponent of load = (inflight + 1) / limit
  double efficiency = 1.0; ///< exponent of the average run time
};

struct rule {
  std::string name;                 ///< unique within the set
  uint32_t line = 0;                ///< 1-based line in the source, for logs
  rule_match match;
  member_filter to;
  strategy_kind strategy = strategy_kind::least_loaded; ///< resolved from defaults if unset
  hash_field key = hash_field::key; ///< used by strategy hash only
  uint32_t max_inflight = 0;        ///< per consumer; 0: the set's default
  strategy_weights weights;         ///< used by strategy weighted only; else the default's
};

struct rule_set {
  uint64_t version = 0;             ///< the file's `version:`
  std::string hash;                 ///< hex FNV-1a-64 of the source text, for logs
  std::string source;               ///< file name, "<rest>", "<default>", ...
  std::string text;                 ///< the YAML it was parsed from (GET /v1/rules)
  strategy_kind default_strategy = strategy_kind::least_loaded;
  /// Per consumer; by default no cap but each consumer's own lease window
  /// (--capacity plus its prefetch while its tasks are short).
  uint32_t default_max_inflight = UINT32_MAX;
  hash_field default_key = hash_field::key; ///< when the default strategy is hash
  strategy_weights default_weights; ///< when the strategy is weighted
  std::vector<rule> rules;          ///< in file order: the first match wins
};

/// Parses and validates a rules file. On failure returns ec::invalid_rules
/// whose message has one line per problem, each "source:line:column: what is
/// wrong" (1-based), all problems at once. Never throws.
result<rule_set> parse_rules(std::string_view yaml_text, std::string_view source);

/// Reads `path`, then parse_rules with `path` as the source. An unreadable
/// file is ec::invalid_rules naming the file.
result<rule_set> load_rules(const std::string& path);

/// The rule set used when no file is given: least_loaded, 64 per consumer.
rule_set default_rules();

/// Hex FNV-1a-64 of `text` (16 digits).
std::string fnv1a_hex(std::string_view text);

} // namespace drover
