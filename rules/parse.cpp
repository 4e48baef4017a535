// The yaml-cpp boundary of the rules: YAML text -> validated rule_set. Every
// yaml-cpp call is in this file; parse_rules catches what it throws, so no
// exception leaves. Problems are collected, not stopped at, so a user fixes
// a file in one round: each is "source:line:column: what is wrong".
#include "rules/rule_set.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/task.hpp"
#include "core/text_input.hpp"
#include "core/yaml_reader.hpp"

namespace drover {

namespace {

/// The shared positioned reader (core/yaml_reader.hpp) plus what only rules
/// read: names from fixed lists, strategies, weights, hash fields.
class reader : public yaml_reader {
public:
  explicit reader(std::string_view source) : yaml_reader(std::string{source}) {}

  /// A name from a fixed list: `parse` maps it, `names` lists the choices.
  template <class T>
  result<T> read_name(const field& f, const char* what, const char* unknown,
                      result<T> (*parse)(std::string_view), const char* names) {
    auto s = read_string(f, what);
    if (!s)
      return std::move(s).err();
    if (auto v = parse(*s))
      return v;
    return invalid(f, fmt::format("{} '{}' (allowed: {})", unknown, *s, names));
  }
  result<strategy_kind> read_strategy(const field& f) {
    return read_name(f, "strategy", "unknown strategy", parse_strategy, strategy_names());
  }
  /// `weights: {busyness: B, efficiency: E}`, each a number from 0 to 10, not
  /// both 0; a missing one keeps its value in `out`.
  void read_weights(const field& f, strategy_weights& out) {
    if (!check_map(f.value, f.mark(), "'weights'", {"busyness", "efficiency"}))
      return;
    auto busyness = read_weight(find(f.value, "busyness"), out.busyness);
    auto efficiency = read_weight(find(f.value, "efficiency"), out.efficiency);
    if (!busyness || !efficiency)
      return;
    if (*busyness == 0 && *efficiency == 0)
      return fail(f.mark(),
                  "'weights' cannot both be 0 (use round_robin to ignore load and speed)");
    out.busyness = *busyness;
    out.efficiency = *efficiency;
  }
  /// A weight, or `fallback` if the field is absent.
  result<double> read_weight(const field& f, double fallback) {
    if (!f)
      return fallback;
    const std::string s = f.value.IsScalar() ? f.value.Scalar() : std::string{};
    char* end = nullptr;
    double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !(v >= 0 && v <= 10))
      return invalid(f, fmt::format("weight '{}' must be a number from 0 to 10 (e.g. 0.5), "
                                    "got '{}'", f.key.Scalar(), s));
    return v;
  }
  /// `weights` on a rule (or the defaults) whose strategy is not weighted.
  void check_weights_used(const field& w, strategy_kind s) {
    if (w && s != strategy_kind::weighted)
      fail(w.key.Mark(), fmt::format("'weights' is only used by strategy weighted "
                                     "(this strategy is {})", to_string(s)));
  }
  result<hash_field> read_hash_field(const field& f) {
    return read_name(f, "key", "hash cannot use a task field named", parse_hash_field,
                     hash_field_names());
  }

  void read_document(const YAML::Node& doc, rule_set& rs);

private:
  void read_defaults(const field& f, rule_set& rs);
  void read_rule(const YAML::Node& n, size_t index, rule_set& rs);
  void read_match(const field& f, rule_match& m);
  void read_target(const field& f, member_filter& to);

  bool default_key_given_ = false;
  std::map<std::string, int> rule_lines_; // rule name -> 1-based line
};

void reader::read_document(const YAML::Node& doc, rule_set& rs) {
  keys top = {"version", "defaults", "rules"};
  YAML::Mark start; // line 0, column 0: the top of the file
  if (!check_map(doc, doc.Mark().is_null() ? start : doc.Mark(), "a rules file", top))
    return;
  if (auto f = find(doc, "version"); !f)
    fail(doc.Mark(), "missing 'version' (e.g. version: 1)");
  else if (auto v = read_uint(f, "version", 0, UINT64_MAX))
    rs.version = *v;
  if (auto f = find(doc, "defaults"))
    read_defaults(f, rs);
  auto f = find(doc, "rules");
  if (!f || f.value.IsNull())
    return; // no rules: every task uses the defaults
  if (!f.value.IsSequence()) {
    fail(f.mark(), "'rules' must be a list of rules, each starting with '- name:'");
    return;
  }
  for (size_t i = 0; i < f.value.size(); ++i)
    read_rule(f.value[i], i, rs);
}

void reader::read_defaults(const field& f, rule_set& rs) {
  if (!check_map(f.value, f.mark(), "'defaults'",
                 {"strategy", "max_inflight_per_consumer", "key", "weights"}))
    return;
  if (auto s = read_strategy(find(f.value, "strategy")))
    rs.default_strategy = *s;
  if (auto v = read_uint(find(f.value, "max_inflight_per_consumer"),
                         "max_inflight_per_consumer", 1, UINT32_MAX))
    rs.default_max_inflight = static_cast<uint32_t>(*v);
  auto k = find(f.value, "key");
  if (auto key = read_hash_field(k)) {
    rs.default_key = *key;
    default_key_given_ = true;
  }
  if (auto w = find(f.value, "weights")) {
    read_weights(w, rs.default_weights);
    check_weights_used(w, rs.default_strategy);
  }
  if (rs.default_strategy == strategy_kind::hash && !k)
    fail(f.mark(), fmt::format("default strategy hash needs 'key: <field>' "
                               "(one of: {})", hash_field_names()));
}

void reader::read_rule(const YAML::Node& n, size_t index, rule_set& rs) {
  keys allowed = {"name", "match", "to", "strategy", "key", "max_inflight", "weights"};
  auto what = fmt::format("rule #{}", index + 1);
  if (!check_map(n, n.Mark(), what, allowed))
    return;
  rule r;
  r.line = static_cast<uint32_t>(n.Mark().line + 1);
  if (auto f = find(n, "name"); !f) {
    fail(n.Mark(), fmt::format("{} has no 'name'", what));
  } else if (auto name = read_string(f, "name")) {
    r.name = *name;
    auto [pos, fresh] = rule_lines_.emplace(r.name, f.key.Mark().line + 1);
    if (!fresh)
      fail(f.mark(), fmt::format("duplicate rule name '{}' (first on line {})",
                                 r.name, pos->second));
  }
  if (auto f = find(n, "match"))
    read_match(f, r.match);
  if (auto f = find(n, "to"))
    read_target(f, r.to);
  r.strategy = rs.default_strategy;
  auto strategy = find(n, "strategy");
  if (auto s = read_strategy(strategy))
    r.strategy = *s;
  auto key = find(n, "key");
  auto key_field = read_hash_field(key);
  if (key_field)
    r.key = *key_field;
  if (key_field && r.strategy != strategy_kind::hash)
    fail(key.key.Mark(), fmt::format("'key' is only used by strategy hash (this "
                                     "rule's strategy is {})", to_string(r.strategy)));
  if (!key && r.strategy == strategy_kind::hash) {
    if (default_key_given_)
      r.key = rs.default_key;
    else
      fail(strategy ? strategy.mark() : n.Mark(),
           fmt::format("strategy hash needs 'key: <field>' (one of: {})",
                       hash_field_names()));
  }
  r.weights = rs.default_weights;
  if (auto w = find(n, "weights")) {
    read_weights(w, r.weights);
    check_weights_used(w, r.strategy);
  }
  if (auto v = read_uint(find(n, "max_inflight"), "max_inflight", 1, UINT32_MAX))
    r.max_inflight = static_cast<uint32_t>(*v);
  rs.rules.push_back(std::move(r));
}

void reader::read_match(const field& f, rule_match& m) {
  if (!check_map(f.value, f.mark(), "'match'", {"type", "priority", "tags", "job"}))
    return;
  if (auto t = find(f.value, "type")) {
    if (!t.value.IsScalar())
      fail(t.mark(), "'type' must be a glob string, e.g. type: \"render.*\"");
    else if (auto why = why_type_glob_cannot_match(t.value.Scalar()); !why.empty())
      fail(t.mark(), "'type' " + why);
    else
      m.type = glob{t.value.Scalar()};
  }
  auto p = find(f.value, "priority");
  if (auto names = read_list(p, "priority", true)) {
    m.priorities = 0;
    for (const auto& name : *names)
      if (auto prio = parse_priority(name))
        m.priorities |= static_cast<uint8_t>(1u << static_cast<int>(*prio));
      else
        fail(p.mark(), fmt::format("unknown priority '{}' (allowed: high, normal, low)",
                                   name));
  }
  if (auto t = find(f.value, "tags"))
    if (auto v = read_list(t, "tags", false))
      m.tags = std::move(*v);
  if (auto pattern = read_string(find(f.value, "job"), "job"))
    m.job = glob{*pattern};
}

void reader::read_target(const field& f, member_filter& to) {
  if (!check_map(f.value, f.mark(), "'to'", {"tags", "nodes"}))
    return;
  if (auto t = find(f.value, "tags"))
    if (auto v = read_list(t, "tags", false))
      to.tags = std::move(*v);
  if (auto n = find(f.value, "nodes"))
    if (auto nodes = read_list(n, "nodes", false)) {
      to.nodes = std::move(*nodes);
      if (to.nodes.empty())
        fail(n.mark(), "'nodes: []' matches no member; leave 'nodes' out to allow any");
    }
}

} // namespace

result<rule_set> parse_rules(std::string_view yaml_text, std::string_view source) {
  // Invalid UTF-8 or a NUL byte (a PUT body can hold anything) is refused
  // before yaml-cpp sees it.
  if (auto err = check_text(yaml_text, source))
    return error{ec::invalid_rules, err.message};
  reader r{source};
  rule_set rs;
  try {
    // yaml-cpp throws on syntax errors (with a mark) and on misuse: stop both here.
    r.read_document(YAML::Load(std::string{yaml_text}), rs);
  } catch (const YAML::Exception& e) {
    r.fail(e.mark, "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    r.fail(YAML::Mark::null_mark(), e.what());
  }
  if (auto problems = r.report(); !problems.empty())
    return error{ec::invalid_rules, std::move(problems)};
  rs.source = std::string{source};
  rs.hash = fnv1a_hex(yaml_text);
  rs.text = std::string{yaml_text};
  return rs;
}

} // namespace drover
