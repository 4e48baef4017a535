// The yaml-cpp boundary of scenarios: YAML text -> validated scenario. This
// file reads the top level, the cluster and jobs; scenario_timeline.cpp the
// timeline and expectations. parse_scenario catches what yaml-cpp throws,
// so no exception leaves; every problem is reported at once with its place.
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/lease_window.hpp"
#include "core/task.hpp"
#include "replay/scenario_parts.hpp"
#include "rules/rule_set.hpp"

namespace drover::replay {

namespace {

void read_consumer(yaml_reader& r, const YAML::Node& n, consumer_def& out) {
  if (n.IsScalar() && !n.Scalar().empty()) { // short form: just the name
    out.name = n.Scalar();
    return;
  }
  if (!r.check_map(n, n.Mark(), "a consumer", {"name", "tags", "capacity", "prefetch", "start"}))
    return;
  if (auto v = r.read_string(find(n, "name"), "name"))
    out.name = *v;
  else
    r.fail(n.Mark(), "a consumer needs a 'name'");
  if (auto v = r.read_list(find(n, "tags"), "tags"))
    out.tags = std::move(*v);
  if (auto v = r.read_uint(find(n, "capacity"), "capacity", 1, 100000))
    out.capacity = *v;
  if (auto v = r.read_uint(find(n, "prefetch"), "prefetch", 0, max_prefetch))
    out.prefetch = std::to_string(*v);
  if (auto v = r.read_bool(find(n, "start"), "start"))
    out.start = *v;
}

void read_producer(yaml_reader& r, const YAML::Node& n, producer_def& out) {
  if (n.IsScalar() && !n.Scalar().empty()) {
    out.name = n.Scalar();
    return;
  }
  if (!r.check_map(n, n.Mark(), "a producer", {"name", "group", "job", "start"}))
    return;
  if (auto v = r.read_string(find(n, "name"), "name"))
    out.name = *v;
  else
    r.fail(n.Mark(), "a producer needs a 'name'");
  if (auto v = r.read_string(find(n, "group"), "group"))
    out.group = *v;
  if (auto v = r.read_bool(find(n, "start"), "start"))
    out.start = *v;
  if (auto f = find(n, "job")) {
    out.job.emplace();
    read_job(r, f, *out.job);
  }
}

template <class Def, class Read>
void read_members(yaml_reader& r, const field& f, const char* what, std::set<std::string>& names,
                  std::vector<Def>& out, Read read) {
  if (!f)
    return;
  if (!f.value.IsSequence()) {
    r.fail(f.mark(), fmt::format("'{}' must be a list of names or mappings", what));
    return;
  }
  for (const auto& item : f.value) {
    Def d;
    read(r, item, d);
    if (!d.name.empty() && !names.insert(d.name).second)
      r.fail(item.Mark(), fmt::format("member name '{}' is used twice", d.name));
    out.push_back(std::move(d));
  }
}

void read_cluster(yaml_reader& r, const field& f, cluster_def& out) {
  if (!f)
    return r.fail(YAML::Mark::null_mark(), "a scenario needs a 'cluster'");
  auto& n = f.value;
  if (!r.check_map(n, f.mark(), "cluster",
                   {"consumers", "producers", "grace", "heartbeat", "heartbeat_misses",
                    "max_restarts", "restart_window", "default_timeout", "users",
                    "user_queue", "status_every", "idle_after", "min_awake", "wake_backlog",
                    "queues"}))
    return;
  read_cluster_queues(r, find(n, "queues"), out); // bounds and standby
  std::set<std::string> names;
  read_members(r, find(n, "consumers"), "consumers", names, out.consumers, read_consumer);
  read_members(r, find(n, "producers"), "producers", names, out.producers, read_producer);
  if (auto ms = r.read_duration(find(n, "grace"), "grace"))
    out.grace_ms = static_cast<uint32_t>(*ms);
  if (auto ms = r.read_duration(find(n, "heartbeat"), "heartbeat"))
    out.heartbeat_ms = static_cast<uint32_t>(*ms);
  if (auto v = r.read_uint(find(n, "heartbeat_misses"), "heartbeat_misses", 1, 1000))
    out.heartbeat_misses = *v;
  if (auto v = r.read_uint(find(n, "max_restarts"), "max_restarts", 0, 1000))
    out.max_restarts = *v;
  if (auto ms = r.read_duration(find(n, "restart_window"), "restart_window"))
    out.restart_window_ms = static_cast<uint32_t>(*ms);
  if (auto ms = r.read_duration(find(n, "default_timeout"), "default_timeout"))
    out.default_timeout_ms = static_cast<uint32_t>(*ms);
  if (auto v = r.read_list(find(n, "users"), "users"))
    out.users = std::move(*v); // multi-user data
  if (auto v = r.read_uint(find(n, "user_queue"), "user_queue", 1, 1000000))
    out.user_queue = *v;
  if (auto ms = r.read_duration(find(n, "status_every"), "status_every")) // node status reports
    out.status_every_ms = static_cast<uint32_t>(*ms);
  if (auto ms = r.read_duration(find(n, "idle_after"), "idle_after"))
    out.idle_after_ms = static_cast<uint32_t>(*ms);
  if (auto v = r.read_uint(find(n, "min_awake"), "min_awake", 0, 100000))
    out.min_awake = *v;
  if (auto v = r.read_uint(find(n, "wake_backlog"), "wake_backlog", 1, 1000000))
    out.wake_backlog = *v;
}

void read_top(yaml_reader& r, const YAML::Node& root, const std::string& base_dir,
              scenario& out) {
  if (!r.check_map(root, root.Mark(), "a scenario",
                   {"name", "description", "seed", "cluster", "rules", "until", "timeline",
                    "expect"}))
    return;
  if (auto v = r.read_string(find(root, "name"), "name"))
    out.name = *v;
  else
    r.fail(root.Mark(), "a scenario needs a 'name'");
  if (auto v = r.read_string(find(root, "description"), "description"))
    out.description = *v;
  if (auto v = r.read_uint(find(root, "seed"), "seed", 0, UINT64_MAX))
    out.seed = *v;
  read_cluster(r, find(root, "cluster"), out.cluster);
  auto rules = find(root, "rules");
  if (auto path = r.read_string(rules, "rules")) {
    out.rules_path = resolve_path(base_dir, *path);
    check_rules_file(r, rules, out.rules_path);
  }
  if (auto v = r.read_duration(find(root, "until"), "until"))
    out.until_ms = *v;
  read_timeline(r, find(root, "timeline"), base_dir, out);
  read_expectations(r, find(root, "expect"), out);
}

} // namespace

void read_job(yaml_reader& r, const field& f, job_def& out) {
  auto& n = f.value;
  if (!r.check_map(n, f.mark(), "a job",
                   {"job", "tasks", "type", "payload", "priority", "max_attempts", "timeout",
                    "tags", "list_size", "dedupe_key", "split", "merge"}))
    return;
  if (auto v = r.read_string(find(n, "job"), "job"))
    out.name = *v;
  read_job_extras(r, n, out); // dedupe_key, split, merge
  if (auto v = r.read_uint(find(n, "tasks"), "tasks", 1, 10000000))
    out.tasks = *v;
  else if (!find(n, "tasks") && !find(n, "split"))
    r.fail(f.mark(), "a job needs 'tasks' (how many)");
  auto& spec = out.spec;
  if (auto type = r.read_string(find(n, "type"), "type"))
    spec.type = *type;
  if (auto p = find(n, "payload"); p && p.value.IsScalar())
    spec.payload = p.value.Scalar(); // may be empty
  else if (p)
    r.fail(p.mark(), "'payload' must be a string");
  if (auto name = r.read_string(find(n, "priority"), "priority")) {
    if (auto prio = parse_priority(*name))
      spec.prio = *prio;
    else
      r.fail(find(n, "priority").mark(),
             fmt::format("'priority' must be high, normal or low, got '{}'", *name));
  }
  if (auto v = r.read_uint(find(n, "max_attempts"), "max_attempts", 1, 1000))
    spec.max_attempts = *v;
  if (auto ms = r.read_duration(find(n, "timeout"), "timeout"))
    spec.timeout_ms = static_cast<uint32_t>(*ms);
  if (auto v = r.read_list(find(n, "tags"), "tags"))
    spec.tags = std::move(*v);
  if (auto v = r.read_uint(find(n, "list_size"), "list_size", 1, 1000000))
    out.list_size = *v;
}

std::string resolve_path(const std::string& base_dir, const std::string& rel) {
  if (rel.empty() || rel.front() == '/' || base_dir.empty())
    return rel;
  return base_dir + "/" + rel;
}

void check_rules_file(yaml_reader& r, const field& f, const std::string& path) {
  if (auto rules = load_rules(path); !rules)
    r.fail(f.mark(), "bad rules file: " + rules.err().message);
}

result<scenario> parse_scenario(const std::string& yaml_text, const std::string& source,
                                const std::string& base_dir) {
  yaml_reader r{source};
  scenario s;
  s.path = source;
  try {
    auto root = YAML::Load(yaml_text);
    if (!root.IsDefined() || root.IsNull())
      r.fail(YAML::Mark::null_mark(), "the scenario is empty");
    else
      read_top(r, root, base_dir, s);
  } catch (const YAML::Exception& e) { // yaml-cpp throws on syntax errors; stop it here
    r.fail(e.mark, e.msg);
  }
  if (!r.ok())
    return error{ec::bad_input, r.report()};
  return s;
}

result<scenario> load_scenario(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return error{ec::bad_input, path + ": cannot read the scenario file"};
  std::stringstream text;
  text << in.rdbuf();
  auto slash = path.rfind('/');
  auto dir = slash == std::string::npos ? std::string{"."} : path.substr(0, slash);
  return parse_scenario(text.str(), path, dir);
}

} // namespace drover::replay
