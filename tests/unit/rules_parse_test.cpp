// Parsing and validating rules files (rules/rule_set.hpp): the example files,
// every kind of error with its exact line:column, and several at once.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rules/glob.hpp"
#include "rules/rule_set.hpp"

using namespace drover;

namespace {

/// The error message of parsing `yaml` as "t.yaml"; empty if it parsed.
std::string problems(const std::string& yaml) {
  auto rs = parse_rules(yaml, "t.yaml");
  if (!rs)
    CHECK(rs.err().code == ec::invalid_rules);
  return rs.err().message;
}

rule_set parsed(const std::string& yaml) {
  auto rs = parse_rules(yaml, "t.yaml");
  INFO(rs.err().message);
  REQUIRE(rs);
  return std::move(*rs);
}

std::string example(const char* name) {
  return std::string{DROVER_SOURCE_DIR} + "/rules/examples/" + name;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

TEST_SUITE("rules") {

TEST_CASE("every example file and the default config parse") {
  for (auto name : {"round-robin.yaml", "least-loaded.yaml", "hash.yaml", "fastest.yaml",
                    "random.yaml", "weighted.yaml", "combined.yaml"}) {
    CAPTURE(name);
    auto rs = load_rules(example(name));
    INFO(rs.err().message);
    REQUIRE(rs);
    CHECK(rs->source == example(name));
    CHECK(rs->hash.size() == 16);
  }
  auto loaded = load_rules(std::string{DROVER_SOURCE_DIR} + "/config/rules.yaml");
  INFO(loaded.err().message);
  REQUIRE(loaded);
  const rule_set& rs = *loaded;
  CHECK(rs.default_strategy == strategy_kind::least_loaded);
  CHECK(rs.default_max_inflight == UINT32_MAX); // config/rules.yaml leaves the cap out
  CHECK(rs.rules.empty());
}

TEST_CASE("each example file uses the strategy it is named after") {
  auto strategy_of = [](const char* name) {
    auto loaded = load_rules(example(name));
    REQUIRE(loaded);
    const rule_set& rs = *loaded;
    return rs.rules.empty() ? rs.default_strategy : rs.rules.front().strategy;
  };
  CHECK(strategy_of("round-robin.yaml") == strategy_kind::round_robin);
  CHECK(strategy_of("least-loaded.yaml") == strategy_kind::least_loaded);
  CHECK(strategy_of("hash.yaml") == strategy_kind::hash);
  CHECK(strategy_of("fastest.yaml") == strategy_kind::fastest);
  CHECK(strategy_of("random.yaml") == strategy_kind::random);
  CHECK(strategy_of("weighted.yaml") == strategy_kind::weighted);
}

TEST_CASE("the combined example reads into rules in file order") {
  auto loaded = load_rules(example("combined.yaml"));
  REQUIRE(loaded);
  const rule_set& rs = *loaded;
  CHECK(rs.version == 3);
  REQUIRE(rs.rules.size() == 6);
  const auto& gpu = rs.rules[0];
  CHECK(gpu.name == "gpu-work");
  CHECK(gpu.match.type.pattern() == "render.*");
  CHECK(gpu.to.tags == std::vector<std::string>{"gpu"});
  CHECK(gpu.max_inflight == 4);
  CHECK(rs.rules[1].strategy == strategy_kind::hash);
  CHECK(rs.rules[1].key == hash_field::key);
  CHECK(rs.rules[2].match.priorities == 0b001); // high only
  CHECK(rs.rules[3].match.priorities == 0b110); // normal and low
  CHECK(rs.rules[3].match.job.pattern() == "report-*");
  CHECK(rs.rules[3].to.nodes == std::vector<std::string>{"c1", "c2"});
  CHECK(rs.rules[3].max_inflight == 0); // the set's default applies
  CHECK(rs.rules[5].match.tags == std::vector<std::string>{"chaos"});
}

TEST_CASE("a rule without a strategy takes the default one, and hash its key") {
  auto rs = parsed("version: 1\n"
                   "defaults: { strategy: hash, key: job, max_inflight_per_consumer: 7 }\n"
                   "rules:\n"
                   "  - name: a\n");
  CHECK(rs.default_max_inflight == 7);
  CHECK(rs.rules[0].strategy == strategy_kind::hash);
  CHECK(rs.rules[0].key == hash_field::job);
  CHECK(rs.rules[0].line == 4);
}

TEST_CASE("the same text gives the same hash, a different one another") {
  auto a = parsed("version: 1\n");
  auto b = parsed("version: 1\n");
  auto c = parsed("version: 2\n");
  CHECK(a.hash == b.hash);
  CHECK(a.hash != c.hash);
  CHECK(a.source == "t.yaml");
}

TEST_CASE("an unknown key is rejected at its position with the allowed keys") {
  CHECK(problems("version: 1\nfoo: 1\n")
        == "t.yaml:2:1: unknown key 'foo' in a rules file (allowed: version, defaults, rules)");
  CHECK(problems("version: 1\ndefaults: { strategy: round_robin, max: 3 }\n")
        == "t.yaml:2:36: unknown key 'max' in 'defaults' (allowed: strategy, "
           "max_inflight_per_consumer, key, weights)");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    colour: red\n")
        == "t.yaml:4:5: unknown key 'colour' in rule #1 (allowed: name, match, to, "
           "strategy, key, max_inflight, weights)");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    match: { typ: x }\n")
        == "t.yaml:4:14: unknown key 'typ' in 'match' (allowed: type, priority, tags, job)");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    to: { node: [c1] }\n")
        == "t.yaml:4:11: unknown key 'node' in 'to' (allowed: tags, nodes)");
}

TEST_CASE("a key given twice in one mapping is rejected") {
  CHECK(problems("version: 1\nversion: 2\n")
        == "t.yaml:2:1: duplicate key 'version' in a rules file (first on line 1)");
}

TEST_CASE("a bad strategy is rejected with the allowed ones") {
  CHECK(problems("version: 1\nrules:\n  - name: a\n    strategy: fastes\n")
        == "t.yaml:4:15: unknown strategy 'fastes' (allowed: round_robin, "
           "least_loaded, hash, fastest, random, weighted)");
  CHECK(problems("version: 1\ndefaults: { strategy: best }\n")
        == "t.yaml:2:23: unknown strategy 'best' (allowed: round_robin, "
           "least_loaded, hash, fastest, random, weighted)");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    strategy:\n")
        == "t.yaml:4:5: 'strategy' must be a non-empty string");
}

TEST_CASE("a type glob that cannot match is rejected") {
  CHECK(problems("version: 1\nrules:\n  - name: a\n    match: { type: \"\" }\n")
        == "t.yaml:4:20: 'type' glob is empty, so it can never match a task type");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    match: { type: \"a b*\" }\n")
        == "t.yaml:4:20: 'type' glob \"a b*\" can never match: task types cannot "
           "contain ' ' (allowed: A-Z a-z 0-9 _ . : - and the wildcards * ?)");
  CHECK(starts_with(problems("version: 1\nrules:\n  - name: a\n    match: { type: a/b }\n"),
                    "t.yaml:4:20: 'type' glob \"a/b\" can never match: task types "
                    "cannot contain '/'"));
  CHECK(problems("version: 1\nrules:\n  - name: a\n    match: { type: [x] }\n")
        == "t.yaml:4:20: 'type' must be a glob string, e.g. type: \"render.*\"");
}

TEST_CASE("a duplicate rule name points at the second and names the first's line") {
  CHECK(problems("version: 1\nrules:\n  - name: a\n  - name: b\n  - name: a\n")
        == "t.yaml:5:11: duplicate rule name 'a' (first on line 3)");
}

TEST_CASE("a rule without a name is rejected") {
  CHECK(problems("version: 1\nrules:\n  - name: a\n  - strategy: random\n")
        == "t.yaml:4:5: rule #2 has no 'name'");
  CHECK(problems("version: 1\nrules:\n  - just-a-string\n")
        == "t.yaml:3:5: rule #1 must be a mapping with keys: name, match, to, "
           "strategy, key, max_inflight, weights");
}

TEST_CASE("type errors name the field, the expected type and the position") {
  CHECK(problems("version: 1\nrules:\n  - name: a\n    to: { tags: gpu }\n")
        == "t.yaml:4:17: 'tags' must be a list, e.g. tags: [a, b]");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    max_inflight: -3\n")
        == "t.yaml:4:19: 'max_inflight' must be a whole number from 1 to "
           "4294967295, got '-3'");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    max_inflight: 0\n")
        == "t.yaml:4:19: 'max_inflight' must be a whole number from 1 to "
           "4294967295, got '0'");
  CHECK(problems("version: abc\n")
        == "t.yaml:1:10: 'version' must be a whole number (e.g. 1), got 'abc'");
  CHECK(problems("version: 1\nrules: { a: 1 }\n")
        == "t.yaml:2:8: 'rules' must be a list of rules, each starting with '- name:'");
  CHECK(problems("version: 1\nrules:\n  - name: [a]\n")
        == "t.yaml:3:11: 'name' must be a non-empty string");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    match: { priority: urgent }\n")
        == "t.yaml:4:24: unknown priority 'urgent' (allowed: high, normal, low)");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    to: { nodes: [] }\n")
        == "t.yaml:4:18: 'nodes: []' matches no member; leave 'nodes' out to allow any");
}

TEST_CASE("hash needs a valid key field, and only hash takes one") {
  CHECK(problems("version: 1\nrules:\n  - name: a\n    strategy: hash\n")
        == "t.yaml:4:15: strategy hash needs 'key: <field>' (one of: key, job, "
           "type, payload, dedupe_key)");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    strategy: hash\n    key: dest_user\n")
        == "t.yaml:5:10: hash cannot use a task field named 'dest_user' (allowed: "
           "key, job, type, payload, dedupe_key)");
  CHECK(problems("version: 1\nrules:\n  - name: a\n    key: type\n")
        == "t.yaml:4:5: 'key' is only used by strategy hash (this rule's strategy "
           "is least_loaded)");
  CHECK(problems("version: 1\ndefaults: { strategy: hash }\n")
        == "t.yaml:2:11: default strategy hash needs 'key: <field>' (one of: key, "
           "job, type, payload, dedupe_key)");
}

TEST_CASE("a file without a version, or not a mapping, is rejected") {
  CHECK(problems("rules: []\n") == "t.yaml:1:1: missing 'version' (e.g. version: 1)");
  CHECK(problems("") == "t.yaml:1:1: a rules file must be a mapping with keys: "
                        "version, defaults, rules");
  CHECK(problems("- a\n") == "t.yaml:1:1: a rules file must be a mapping with keys: "
                             "version, defaults, rules");
}

TEST_CASE("a YAML syntax error is reported at yaml-cpp's mark, without throwing") {
  std::string msg;
  CHECK_NOTHROW(msg = problems("version: 1\nrules: [\n  - name: a\n"));
  CHECK(msg == "t.yaml:3:3: invalid YAML: illegal block entry");
  CHECK(starts_with(problems("version: 1\n  bad: indent\n"), "t.yaml:2:"));
}

TEST_CASE("several problems are reported at once, one line each, in file order") {
  auto msg = problems("version: 1\n"                       // 1
                      "rules:\n"                           // 2
                      "  - name: a\n"                      // 3
                      "    colour: red\n"                  // 4
                      "    strategy: fastes\n"             // 5
                      "  - name: a\n"                      // 6
                      "    match: { type: \"x y\" }\n"     // 7
                      "    to: { tags: gpu }\n"            // 8
                      "    max_inflight: -3\n");           // 9
  std::vector<std::string> lines;
  for (size_t start = 0, end; start < msg.size(); start = end + 1) {
    end = msg.find('\n', start);
    if (end == std::string::npos)
      end = msg.size();
    lines.push_back(msg.substr(start, end - start));
  }
  REQUIRE(lines.size() == 6);
  CHECK(starts_with(lines[0], "t.yaml:4:5: unknown key 'colour'"));
  CHECK(starts_with(lines[1], "t.yaml:5:15: unknown strategy 'fastes'"));
  CHECK(starts_with(lines[2], "t.yaml:6:11: duplicate rule name 'a'"));
  CHECK(starts_with(lines[3], "t.yaml:7:20: 'type' glob \"x y\""));
  CHECK(starts_with(lines[4], "t.yaml:8:17: 'tags' must be a list"));
  CHECK(starts_with(lines[5], "t.yaml:9:19: 'max_inflight' must be"));
}

TEST_CASE("a rejected file yields only the error, no half-read rule set") {
  auto rs = parse_rules("version: 6\nrules: 3\n", "t.yaml");
  CHECK_FALSE(rs);
  CHECK(rs.err().code == ec::invalid_rules);
  CHECK(rs.err().message.find("t.yaml:2:8:") != std::string::npos);
}

TEST_CASE("an unreadable file is an error that names the file") {
  auto rs = load_rules("/nonexistent/rules.yaml");
  REQUIRE_FALSE(rs);
  const error& err = rs.err();
  CHECK(err.code == ec::invalid_rules);
  CHECK(err.message == "/nonexistent/rules.yaml: cannot read the rules file: No such file or directory");
}

TEST_CASE("the default rule set is least_loaded with no cap but each consumer's window") {
  auto rs = default_rules();
  CHECK(rs.default_strategy == strategy_kind::least_loaded);
  CHECK(rs.default_max_inflight == UINT32_MAX);
  CHECK(rs.rules.empty());
}

TEST_CASE("globs: * any run, ? one character, anything else literal") {
  CHECK(glob{"render.*"}.matches("render.frame"));
  CHECK(glob{"render.*"}.matches("render."));
  CHECK_FALSE(glob{"render.*"}.matches("render"));
  CHECK(glob{"*.done"}.matches("job.done"));
  CHECK_FALSE(glob{"*.done"}.matches("job.don"));
  CHECK(glob{"deliver"}.matches("deliver"));
  CHECK_FALSE(glob{"deliver"}.matches("deliver2"));
  CHECK(glob{"a?c"}.matches("abc"));
  CHECK_FALSE(glob{"a?c"}.matches("ac"));
  CHECK(glob{"a*b*c"}.matches("axxbyyc"));
  CHECK(glob{"a*b*c"}.matches("abc"));
  CHECK_FALSE(glob{"a*b*c"}.matches("axxbyy"));
  CHECK(glob{"*a*a"}.matches("banana"));
  CHECK(glob{"**"}.matches(""));
  CHECK(glob{}.matches_all());
  CHECK(why_type_glob_cannot_match("ok.type:v-1_*?").empty());
}

} // TEST_SUITE
