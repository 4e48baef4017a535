// Flag > environment > config file > default, for every flag of `drover
// run` (config/flag_layers.hpp).
#include "config/flag_layers.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>

#include <CLI/CLI.hpp>

extern char** environ;

namespace drover {

namespace {

/// DROVER_ variables that are not flags: the client's, the system config's,
/// and those drover sets for an exec handler's process.
const std::set<std::string>& other_variables() {
  static const std::set<std::string> names{
    "DROVER_SERVER", "DROVER_CA", "DROVER_URL", "DROVER_SYSTEM_CONFIG", "DROVER_TASK_ID",
    "DROVER_ATTEMPT", "DROVER_LEASE", "DROVER_TASK_TYPE"};
  return names;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// The options a config file or the environment may set: every named one
/// but --config itself and the help flags.
std::vector<CLI::Option*> settable(CLI::App& run) {
  std::vector<CLI::Option*> out;
  for (auto* opt : run.get_options()) {
    auto name = opt->get_single_name();
    if (!opt->get_lnames().empty() && name != "config" && name != "help" && name != "help-all")
      out.push_back(opt);
  }
  return out;
}

/// What a value of `opt` must look like, for an error.
std::string expected(const CLI::Option& opt) {
  auto type = opt.get_type_name();
  if (type == "MS")
    return "milliseconds or a duration such as 500ms, 2s, 1m or 1h";
  if (opt.get_expected_max() == 0)
    return "true or false";
  if (type == "UINT" || type == "INT" || type == "SIZE")
    return "a whole number";
  return "a valid value";
}

/// Gives `values` to `opt` as if the flag had been typed, through its checks
/// and conversions; `source` names where they came from in an error.
error apply(CLI::Option& opt, std::vector<std::string> values, const std::string& source) {
  try {
    opt.add_result(std::move(values));
    opt.run_callback();
  } catch (const CLI::ValidationError& e) {
    // A check of the flag's own said what is wrong: its words, without
    // the flag's name (the source names where the value came from).
    std::string what = e.what();
    auto prefix = "--" + opt.get_single_name() + ": ";
    if (what.rfind(prefix, 0) == 0)
      what.erase(0, prefix.size());
    auto type = opt.get_type_name();
    if (type == "MS" || type == "UINT")
      return {ec::bad_input, source + " must be " + expected(opt) + " (" + what + ")"};
    return {ec::bad_input, source + ": " + what};
  } catch (const CLI::Error& e) {
    return {ec::bad_input, source + " must be " + expected(opt) + " (" + e.what() + ")"};
  }
  return {};
}

/// A DROVER_ variable that is neither a flag's nor a known other one, but
/// is one or two letters away from a flag's: a typo to report.
error check_unknown_variables(const env_map& env, const std::vector<std::string>& flag_vars) {
  for (auto& [name, value] : env) {
    if (name.rfind("DROVER_", 0) != 0 || other_variables().count(name) > 0
        || std::find(flag_vars.begin(), flag_vars.end(), name) != flag_vars.end())
      continue;
    auto near = closest_name(name, flag_vars);
    auto d = edit_distance(name.substr(7), near.substr(7));
    if (!near.empty() && d <= 2 && d * 3 <= name.size() - 7)
      return {ec::bad_input, "unknown environment variable " + name + "; did you mean " + near
                               + "? (DROVER_<FLAG> sets a flag of drover run)"};
  }
  return {};
}

} // namespace

env_map process_env() {
  env_map out;
  for (char** e = environ; e && *e; ++e) {
    std::string kv{*e};
    auto eq = kv.find('=');
    if (eq != std::string::npos)
      out.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

std::string system_config_path(const env_map& env) {
  auto i = env.find("DROVER_SYSTEM_CONFIG");
  return i != env.end() ? i->second : "/etc/drover/drover.yaml";
}

std::string env_name_of(const std::string& flag) {
  std::string out = "DROVER_";
  for (char c : flag)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string closest_name(const std::string& name, const std::vector<std::string>& names) {
  std::string best;
  size_t best_d = static_cast<size_t>(-1);
  for (auto& n : names)
    if (auto d = edit_distance(name, n); d < best_d) {
      best = n;
      best_d = d;
    }
  return best;
}

void add_all_run_flags(CLI::App& app, run_options& opts, http_flags& http) {
  add_run_flags(app, opts);
  add_http_flags(app, http);
  refuse_negative_numbers(app);
}

error apply_flag_layers(CLI::App& run, const env_map& env, const file_layer& file) {
  auto options = settable(run);
  std::vector<std::string> flag_vars;
  for (auto* opt : options)
    flag_vars.push_back(env_name_of(opt->get_single_name()));
  if (auto err = check_unknown_variables(env, flag_vars))
    return err;
  for (auto* opt : options) {
    auto name = opt->get_single_name();
    if (opt->count() > 0) { // given on the command line: it wins
      if (name == "queues" && file.queues) // ... but edits the file's queues: map
        if (auto err = apply(*opt, {}, "--queues"))
          return err;
      continue;
    }
    auto var = env.find(env_name_of(name));
    if (var != env.end() && !var->second.empty()) { // an empty variable is an unset one
      if (auto err = apply(*opt, {var->second}, var->first))
        return err;
      continue;
    }
    for (auto& e : file.entries)
      if (e.flag == name)
        if (auto err = apply(*opt, e.values, e.where + ": '" + e.key + "'"))
          return err;
  }
  return {};
}

error resolve_run_flags(CLI::App& run, run_options& opts, const env_map& env,
                        std::vector<std::string>& warnings) {
  auto* config = run.get_option("--config");
  if (config->count() == 0)
    if (auto var = env.find("DROVER_CONFIG"); var != env.end() && !var->second.empty())
      opts.config_path = var->second;
  if (opts.config_path.empty() && config->count() == 0) {
    auto system = system_config_path(env);
    if (::access(system.c_str(), F_OK) == 0)
      opts.config_path = system;
  }
  file_layer file;
  if (!opts.config_path.empty()) {
    auto read = read_config_layer(opts.config_path, run, opts);
    if (!read)
      return read.err();
    file = std::move(*read);
  }
  warnings = file.warnings;
  return apply_flag_layers(run, env, file);
}

error load_config_file(const std::string& path, run_options& opts) {
  CLI::App app;
  http_flags http; // read and checked; the caller wants the run options only
  add_all_run_flags(app, opts, http);
  try {
    app.parse(std::vector<std::string>{});
  } catch (const CLI::ParseError& e) {
    return {ec::bad_input, e.what()};
  }
  auto file = read_config_layer(path, app, opts);
  if (!file)
    return file.err();
  return apply_flag_layers(app, {}, *file);
}

} // namespace drover
