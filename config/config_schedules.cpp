// The `schedules:` section of the config file:
//   schedules:
//     - name: nightly-report
//       cron: "0 2 * * *"          # or every: 30s
//       catch_up: one              # none | one | all (default one)
//       running: true              # default true
//       job: { name: report, tasks: [{ type: echo, payload: "hi" }] }
// `job` is the body POST /v1/jobs takes, written in YAML: quoted scalars
// stay strings, plain ones that read as numbers or true/false become those.
// The scheduler checks the job itself at start; the rest is checked here
// with file:line:column.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "config/config_schedules.hpp"

namespace drover {

namespace {

using json = nlohmann::json;

std::string at(const std::string& path, const YAML::Mark& m) {
  return fmt::format("{}:{}:{}", path, m.line + 1, m.column + 1);
}

json scalar_to_json(const YAML::Node& n) {
  const auto& s = n.Scalar();
  if (n.Tag() == "!") // quoted: a string, whatever it looks like
    return s;
  if (s == "true" || s == "false")
    return s == "true";
  if (s == "null" || s == "~")
    return nullptr;
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used == s.size())
      return v;
  } catch (const std::exception&) {
  }
  return s;
}

json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    json out = json::object();
    for (const auto& kv : n)
      out[kv.first.Scalar()] = yaml_to_json(kv.second);
    return out;
  }
  if (n.IsSequence()) {
    json out = json::array();
    for (const auto& x : n)
      out.push_back(yaml_to_json(x));
    return out;
  }
  if (n.IsScalar())
    return scalar_to_json(n);
  return nullptr;
}

std::string read_one(const std::string& path, const YAML::Node& n, schedule_input& in) {
  if (!n.IsMap())
    return at(path, n.Mark()) + ": each schedule must be a mapping with name, every or "
                                "cron, catch_up, running, job\n";
  std::string problems;
  for (const auto& kv : n) {
    auto key = kv.first.Scalar();
    auto& v = kv.second;
    std::string* field = key == "name"       ? &in.name
                         : key == "every"    ? &in.every
                         : key == "cron"     ? &in.cron
                         : key == "catch_up" ? &in.catch_up
                                             : nullptr;
    if (field && v.IsScalar())
      *field = v.Scalar();
    else if (field)
      problems += fmt::format("{}: '{}' must be a string\n", at(path, v.Mark()), key);
    else if (key == "running" && v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "false"))
      in.running = v.Scalar() == "true";
    else if (key == "running")
      problems += at(path, v.Mark()) + ": 'running' must be true or false\n";
    else if (key == "job" && v.IsMap())
      in.job_template = yaml_to_json(v).dump(-1, ' ', false, json::error_handler_t::replace);
    else if (key == "job")
      problems += at(path, v.Mark()) + ": 'job' must be a mapping: the body POST /v1/jobs "
                                       "takes, e.g. { name: report, tasks: [{ type: echo }] }\n";
    else
      problems += fmt::format("{}: unknown key '{}' in a schedule (allowed: name, every, "
                              "cron, catch_up, running, job)\n", at(path, kv.first.Mark()), key);
  }
  if (problems.empty())
    if (auto checked = check_schedule_input(in); !checked)
      problems += at(path, n.Mark()) + ": " + checked.err().message + "\n";
  if (problems.empty() && in.job_template.empty())
    problems += at(path, n.Mark()) + ": a schedule needs 'job': the job to run\n";
  return problems;
}

} // namespace

result<std::vector<schedule_input>> read_config_schedules(const std::string& path,
                                                          const YAML::Node& n) {
  if (!n.IsSequence())
    return {ec::bad_input, at(path, n.Mark()) + ": 'schedules' must be a list of schedules\n"};
  std::string problems;
  std::vector<schedule_input> got;
  for (const auto& item : n) {
    schedule_input in;
    auto p = read_one(path, item, in);
    for (auto& prev : got)
      if (p.empty() && prev.name == in.name)
        p = fmt::format("{}: schedule name '{}' is used twice\n", at(path, item.Mark()), in.name);
    problems += p;
    got.push_back(std::move(in));
  }
  if (!problems.empty())
    return {ec::bad_input, std::move(problems)};
  return got;
}

} // namespace drover
