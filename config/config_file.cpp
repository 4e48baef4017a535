// Reads the YAML config file of `drover run` into run_options. yaml-cpp
// throws; this file is its one boundary: every problem becomes a line
// "file:line:column: what is wrong", all of them reported at once.
#include <charconv>
#include <functional>
#include <limits>
#include <map>
#include <regex>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/config_schedules.hpp"
#include "config/options.hpp"
#include "core/text_input.hpp"

namespace drover {

namespace {

using setter = std::function<bool(const YAML::Node&, run_options&)>;

/// Digits only: no sign, no 5.5, no 1e3, nothing past T's range.
template <class T>
bool read_number(const YAML::Node& n, T& out) {
  if (!n.IsScalar())
    return false;
  const auto& text = n.Scalar();
  T v = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || text[0] == '+' || err != std::errc{} || end != text.data() + text.size())
    return false;
  out = v;
  return true;
}

template <class T>
setter number(T run_options::*field) {
  return [field](const YAML::Node& n, run_options& o) { return read_number(n, o.*field); };
}

setter text(std::string run_options::*field) {
  return [field](const YAML::Node& n, run_options& o) {
    if (!n.IsScalar())
      return false;
    o.*field = n.Scalar();
    return true;
  };
}

/// A field of the producer's task (run_options::task).
template <class T>
setter task_number(T task_spec::*field) {
  return [field](const YAML::Node& n, run_options& o) { return read_number(n, o.task.*field); };
}

setter task_text(compact_string task_spec::*field) {
  return [field](const YAML::Node& n, run_options& o) {
    if (!n.IsScalar())
      return false;
    o.task.*field = n.Scalar();
    return true;
  };
}

setter tls_text(std::string tls_files::*field) {
  return [field](const YAML::Node& n, run_options& o) {
    if (!n.IsScalar() || n.Scalar().empty())
      return false;
    o.tls.*field = n.Scalar();
    return true;
  };
}

setter flag(bool run_options::*field) {
  return [field](const YAML::Node& n, run_options& o) {
    if (!n.IsScalar())
      return false;
    auto v = n.Scalar();
    if (v != "true" && v != "false")
      return false;
    o.*field = v == "true";
    return true;
  };
}

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

/// A list, or a comma-separated string, of names.
setter names(std::vector<std::string> run_options::*field) {
  return [field](const YAML::Node& n, run_options& o) {
    std::vector<std::string> out;
    if (n.IsSequence()) {
      for (const auto& x : n) {
        if (!x.IsScalar() || x.Scalar().empty() || plain_non_name(x))
          return false;
        out.push_back(x.Scalar());
      }
    } else if (n.IsScalar()) {
      if (plain_non_name(n))
        return false;
      std::string cur;
      for (char c : n.Scalar() + ",") {
        if (c != ',') {
          cur += c;
        } else if (!cur.empty()) {
          out.push_back(cur);
          cur.clear();
        }
      }
    } else {
      return false;
    }
    o.*field = std::move(out);
    return true;
  };
}

struct key_info {
  setter set;
  const char* expects;
};

const std::map<std::string, key_info>& keys() {
  static const std::map<std::string, key_info> table{
    {"role", {names(&run_options::roles), "a list of roles (names, not numbers)"}},
    {"listen", {text(&run_options::listen), "HOST:PORT"}},
    {"registry", {text(&run_options::registry), "HOST:PORT"}},
    {"node", {text(&run_options::node), "a name"}},
    {"tags", {names(&run_options::tags),
              "a list of tags (names; quote one that looks like a number: [\"5\"])"}},
    {"capacity", {number(&run_options::capacity), "a whole number"}},
    {"store", {text(&run_options::store), "sqlite:PATH or memory"}},
    {"durability", {text(&run_options::durability), "disk or process"}},
    {"rules", {text(&run_options::rules), "a rules file path"}},
    {"rules_poll_ms", {number(&run_options::rules_poll_ms), "milliseconds"}},
    {"grace_ms", {number(&run_options::grace_ms), "milliseconds"}},
    {"heartbeat_ms", {number(&run_options::heartbeat_ms), "milliseconds"}},
    {"max_restarts", {number(&run_options::max_restarts), "a count"}},
    {"restart_window_ms", {number(&run_options::restart_window_ms), "milliseconds"}},
    {"heartbeat_misses", {number(&run_options::heartbeat_misses), "a count"}},
    {"default_timeout_ms", {number(&run_options::default_timeout_ms), "milliseconds"}},
    {"threads", {number(&run_options::threads), "a whole number"}},
    {"connect_timeout_ms", {number(&run_options::connect_timeout_ms), "milliseconds"}},
    {"reconnect_timeout_ms", {number(&run_options::reconnect_timeout_ms), "milliseconds"}},
    {"ready_file", {text(&run_options::ready_file), "a file path"}},
    {"tls_cert", {tls_text(&tls_files::cert), "a file path"}},
    {"tls_key", {tls_text(&tls_files::key), "a file path"}},
    {"tls_ca", {tls_text(&tls_files::ca), "a file path"}},
    {"insecure", {flag(&run_options::insecure), "true or false"}},
    {"run", {text(&run_options::run), "a run key, e.g. 2026-12-06"}},
    {"idempotency_key", {text(&run_options::idempotency_key), "a string"}},
    {"log_level", {text(&run_options::log_level), "error|warn|info|debug"}},
    {"tasks", {number(&run_options::tasks), "a whole number"}},
    {"type", {task_text(&task_spec::type), "a task type"}},
    {"payload", {task_text(&task_spec::payload), "a string"}},
    {"priority", {[](const YAML::Node& n, run_options& o) {
                    auto p = n.IsScalar() ? parse_priority(n.Scalar())
                                          : result<priority>{ec::bad_input, "not a scalar"};
                    if (p)
                      o.task.prio = *p;
                    return p.ok();
                  }, "high|normal|low"}},
    {"max_attempts", {task_number(&task_spec::max_attempts), "a whole number"}},
    {"timeout_ms", {task_number(&task_spec::timeout_ms), "milliseconds"}},
    {"job", {text(&run_options::job), "a name"}},
    {"group", {text(&run_options::group), "a name"}},
    {"list_size", {number(&run_options::list_size), "a whole number"}},
    {"quiet", {flag(&run_options::quiet), "true or false"}},
    {"status_every_ms", {number(&run_options::status_every_ms), "milliseconds"}},
    {"idle_after_ms", {number(&run_options::idle_after_ms), "milliseconds"}},
    {"min_awake", {number(&run_options::min_awake), "a count"}},
    {"wake_backlog", {number(&run_options::wake_backlog), "a count"}},
    {"queues", {[](const YAML::Node& n, run_options& o) {
                  auto q = read_queue_limits(n, o.queues);
                  if (q)
                    o.queues = *q;
                  return q.ok();
                },
                "a map of high, normal, low, standby (whole numbers) and weights: "
                "{high, normal, low} (1 to 1000)"}},
    {"job_file", {text(&run_options::job_file), "a job definition JSON file"}},
    {"http_tls_cert", {text(&run_options::http_tls_cert), "a PEM certificate file"}},
    {"http_tls_key", {text(&run_options::http_tls_key), "a PEM private key file"}},
    {"handlers_poll_ms", {number(&run_options::handlers_poll_ms), "milliseconds"}},
    {"drain_timeout_ms", {number(&run_options::drain_timeout_ms), "milliseconds"}},
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

std::string known_keys() {
  std::string out;
  for (auto& [k, v] : keys())
    out += (out.empty() ? "" : ", ") + k;
  return out;
}

} // namespace

error load_config_file(const std::string& path, run_options& opts) {
  auto read = read_text_file(path, "the config file");
  if (!read)
    return std::move(read).err();
  const std::string& text = *read;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return {ec::bad_input, fmt::format("{}: {}", where(path, e.mark), e.msg)};
  } catch (const std::exception& e) { // yaml-cpp may throw more than its own
    return {ec::bad_input, fmt::format("{}: cannot parse the config file: {}", path, e.what())};
  }
  if (root.IsNull())
    return {};
  if (!root.IsMap())
    return {ec::bad_input, where(path, root.Mark()) + ": the config file must be a map of keys"};
  std::string problems;
  find_duplicate_keys(root, path, problems);
  for (const auto& kv : root) {
    auto key = kv.first.Scalar();
    if (key == "schedules") { // its own reader: config/config_schedules.cpp
      if (auto s = read_config_schedules(path, kv.second))
        opts.schedules = std::move(*s);
      else
        problems += s.err().message;
      continue;
    }
    if (key == "handlers") // the consumer reads and validates them (exec/handler_parse.cpp)
      continue;
    auto i = keys().find(key);
    if (i == keys().end()) {
      problems += fmt::format("{}: unknown key '{}'; known keys: {}\n",
                              where(path, kv.first.Mark()), key, known_keys());
      continue;
    }
    if (!i->second.set(kv.second, opts))
      problems += fmt::format("{}: '{}' must be {}\n", where(path, kv.second.Mark()), key,
                              i->second.expects);
  }
  if (!problems.empty()) {
    problems.pop_back();
    return {ec::bad_input, problems};
  }
  return {};
}

} // namespace drover
