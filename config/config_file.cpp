// Reads the YAML config file of `drover run`: each key names a flag (its
// value is applied by config/flag_layers.cpp, after the command line and
// the environment had their say); `queues:`, `schedules:` and `handlers:`
// are sections of their own. yaml-cpp throws; this file is its one
// boundary: every problem becomes a line "file:line:column: what is
// wrong", all of them reported at once.
#include <algorithm>
#include <map>
#include <regex>

#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/config_schedules.hpp"
#include "config/flag_layers.hpp"
#include "config/options.hpp"
#include "core/text_input.hpp"

namespace drover {

namespace {

/// A plain (unquoted) YAML scalar that reads as a number, a boolean or
/// null: `tags: 5` or `role: yes` is a typo far more often than a name.
bool plain_non_name(const YAML::Node& n) {
  if (n.Tag() != "?")
    return false; // quoted: "5" is the name 5
  static const std::regex not_a_name{
    R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|[-+]?\.(inf|Inf|INF)|)"
    R"(\.(nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|)"
    R"(null|Null|NULL|~)"};
  return std::regex_match(n.Scalar(), not_a_name);
}

/// Keys whose values are names: a plain number or boolean there is refused.
const std::map<std::string, const char*>& name_keys() {
  static const std::map<std::string, const char*> table{
    {"role", "a list of roles (names, not numbers)"},
    {"tags", "a list of tags (names; quote one that looks like a number: [\"5\"])"},
  };
  return table;
}

std::string where(const std::string& path, const YAML::Mark& m) {
  return fmt::format("{}:{}:{}", path, m.line + 1, m.column + 1);
}

/// Reports every key that appears twice in one mapping, at any depth:
/// yaml-cpp keeps both, and which one wins would be an accident.
void find_duplicate_keys(const YAML::Node& n, const std::string& path, std::string& problems) {
  if (n.IsSequence()) {
    for (const auto& x : n)
      find_duplicate_keys(x, path, problems);
    return;
  }
  if (!n.IsMap())
    return;
  std::map<std::string, int> seen; // key -> 1-based line
  for (const auto& kv : n) {
    if (kv.first.IsScalar()) {
      auto [at, fresh] = seen.emplace(kv.first.Scalar(), kv.first.Mark().line + 1);
      if (!fresh)
        problems += fmt::format("{}: duplicate key '{}' (first on line {}); keep one\n",
                                where(path, kv.first.Mark()), kv.first.Scalar(), at->second);
    }
    find_duplicate_keys(kv.second, path, problems);
  }
}

/// The flag a file key names: "grace" and "heartbeat_misses" (underscores
/// read as dashes) name --grace and --heartbeat-misses; the old "grace_ms"
/// names --grace too, with a warning. Empty if none.
std::string flag_of_key(const std::string& key, const CLI::App& run, bool& old_name) {
  auto name = key;
  std::replace(name.begin(), name.end(), '_', '-');
  old_name = false;
  if (name != "config" && name != "help" && run.get_option_no_throw("--" + name))
    return name;
  auto stem = name.size() > 3 && name.compare(name.size() - 3, 3, "-ms") == 0
                ? name.substr(0, name.size() - 3) : std::string{};
  if (!stem.empty() && run.get_option_no_throw("--" + stem)) {
    old_name = true;
    return stem;
  }
  return {};
}

std::vector<std::string> valid_keys(const CLI::App& run) {
  std::vector<std::string> out{"schedules", "handlers"};
  for (const auto* opt : run.get_options()) {
    auto name = opt->get_single_name();
    if (!opt->get_lnames().empty() && name != "config" && name != "help" && name != "help-all")
      out.push_back(name);
  }
  return out;
}

/// The key's value as the strings a flag would get; "" if it has that
/// shape, else what is wrong.
std::string values_of(const YAML::Node& n, const CLI::Option& opt, const std::string& key,
                      std::vector<std::string>& out) {
  auto names = name_keys().find(key);
  auto take = [&](const YAML::Node& x) {
    if (!x.IsScalar())
      return false;
    if (names != name_keys().end() && (x.Scalar().empty() || plain_non_name(x)))
      return false;
    out.push_back(x.Scalar());
    return true;
  };
  std::string expects = names != name_keys().end() ? names->second : "";
  if (n.IsSequence()) {
    if (opt.get_items_expected_max() <= 1)
      return "must be one value, not a list";
    for (const auto& x : n)
      if (!take(x))
        return "must be " + (expects.empty() ? std::string{"a list of values"} : expects);
    return {};
  }
  if (n.IsScalar() && take(n))
    return {};
  if (!expects.empty())
    return "must be " + expects;
  return n.IsMap() ? "must be one value, not a map" : "needs a value";
}

} // namespace

result<file_layer> read_config_layer(const std::string& path, const CLI::App& run,
                                     run_options& opts) {
  file_layer out;
  out.path = path;
  auto text = read_text_file(path, "the config file");
  if (!text)
    return text.err();
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    return error{ec::bad_input, fmt::format("{}: {}", where(path, e.mark), e.msg)};
  } catch (const std::exception& e) { // yaml-cpp may throw more than its own
    return error{ec::bad_input, fmt::format("{}: cannot parse the config file: {}", path,
                                            e.what())};
  }
  if (root.IsNull())
    return out;
  if (!root.IsMap())
    return error{ec::bad_input,
                 where(path, root.Mark()) + ": the config file must be a map of keys"};
  std::string problems;
  find_duplicate_keys(root, path, problems);
  std::map<std::string, std::string> seen; // flag -> the key that set it
  for (const auto& kv : root) {
    auto key = kv.first.Scalar();
    auto at = where(path, kv.first.Mark());
    if (key == "schedules") { // its own reader: config/config_schedules.cpp
      if (auto s = read_config_schedules(path, kv.second))
        opts.schedules = std::move(*s);
      else
        problems += s.err().message;
      continue;
    }
    if (key == "handlers") // the consumer reads and validates them (exec/handler_parse.cpp)
      continue;
    bool old_name = false;
    auto flag = flag_of_key(key, run, old_name);
    if (flag.empty()) {
      problems += fmt::format("{}: unknown key '{}'; did you mean '{}'? (a key is a flag of "
                              "`drover run --help` without its --)\n",
                              at, key, closest_name(key, valid_keys(run)));
      continue;
    }
    if (auto [first, fresh] = seen.emplace(flag, key); !fresh) {
      problems += fmt::format("{}: '{}' sets --{} again ('{}' did already); keep one\n", at,
                              key, flag, first->second);
      continue;
    }
    if (old_name)
      out.warnings.push_back(fmt::format("{}: '{}' is the old name of '{}'; it still works, but "
                                         "rename it", at, key, flag));
    if (flag == "queues" && kv.second.IsMap()) { // a map of bounds; --queues edits it
      auto q = read_queue_limits(kv.second, opts.queues);
      if (q) {
        opts.queues = *q;
        out.queues = true;
      } else {
        problems += fmt::format("{}: {}\n", where(path, kv.second.Mark()), q.err().message);
      }
      continue;
    }
    file_layer::entry e{key, flag, {}, where(path, kv.second.Mark()),
                        name_keys().count(key) > 0};
    auto why = values_of(kv.second, *run.get_option_no_throw("--" + flag), key, e.values);
    if (!why.empty()) {
      problems += fmt::format("{}: '{}' {}\n", e.where, key, why);
      continue;
    }
    out.entries.push_back(std::move(e));
  }
  if (!problems.empty()) {
    problems.pop_back();
    return error{ec::bad_input, problems};
  }
  return out;
}

} // namespace drover
