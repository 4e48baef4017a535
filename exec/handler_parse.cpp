// The yaml-cpp boundary of users' handlers: YAML text -> validated
// handler_set. Every problem is collected as "source:line:column: what", so
// a user fixes a file in one round; programs are resolved and checked here,
// at load time, so a typo never reaches a task.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/yaml_reader.hpp"
#include "exec/handler_spec.hpp"

namespace drover {

const std::vector<std::string>& argv_placeholders() {
  static const std::vector<std::string> names{"{payload}", "{id}", "{attempt}", "{type}"};
  return names;
}

namespace {

constexpr size_t max_handlers_bytes = 1 << 20;

/// Reads sizes (512MiB, 64KiB, 1GiB or bytes) and long durations (5m, 1h)
/// on top of the shared positioned reader.
class handler_reader : public yaml_reader {
public:
  handler_reader(std::string source, std::string base_dir)
    : yaml_reader(std::move(source)), base_dir(std::move(base_dir)) {}

  std::string base_dir; ///< a relative cwd is taken from here: the file's folder

  /// A size in bytes; errors as yaml_reader's read_*.
  result<uint64_t> read_size(const field& f, const char* what) {
    if (!f)
      return missing(what);
    std::string s = f.value.IsScalar() ? f.value.Scalar() : std::string{};
    static const std::pair<const char*, uint64_t> units[] = {
      {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30}, {"TiB", 1ULL << 40}};
    uint64_t mult = 1;
    for (auto& [suffix, m] : units) {
      std::string_view u{suffix};
      if (s.size() > u.size() && s.compare(s.size() - u.size(), u.size(), u) == 0) {
        s.resize(s.size() - u.size());
        mult = m;
        break;
      }
    }
    uint64_t v = 0;
    char* end = nullptr;
    if (!s.empty() && s[0] >= '0' && s[0] <= '9')
      v = std::strtoull(s.c_str(), &end, 10);
    if (end == nullptr || *end != '\0' || v > (1ULL << 50) / mult)
      return invalid(f, fmt::format("'{}' must be a size such as 65536, 64KiB, 512MiB or "
                                    "2GiB, got '{}'", what,
                                    f.value.IsScalar() ? f.value.Scalar() : ""));
    return v * mult;
  }

  /// A duration that may also be 5m or 1h, in milliseconds.
  result<int64_t> read_span(const field& f, const char* what) {
    if (!f)
      return missing(what);
    std::string s = f.value.IsScalar() ? f.value.Scalar() : std::string{};
    int64_t mult = s.empty() ? 0 : s.back() == 'm' ? 60000 : s.back() == 'h' ? 3600000 : 0;
    if (mult == 0)
      return read_duration(f, what);
    char* end = nullptr;
    auto v = std::strtoll(s.c_str(), &end, 10);
    if (s[0] < '0' || s[0] > '9' || end != s.c_str() + s.size() - 1 || v > 100000)
      return invalid(f, fmt::format("'{}' must be a duration such as 250ms, 2s, 5m or 1h, "
                                    "got '{}'", what, s));
    return v * mult;
  }
};

bool is_executable_file(const std::string& path) {
  struct stat sb {};
  return ::stat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string why_not_executable(const std::string& path) {
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0)
    return "does not exist";
  if (!S_ISREG(sb.st_mode))
    return "is not a regular file";
  return "is not executable (chmod +x it)";
}

/// argv[0] as an absolute path; ec::bad_input saying why if it cannot run.
result<std::string> resolve_program(const std::string& prog, const std::string& cwd) {
  if (prog.find('/') != std::string::npos) {
    std::string path = prog;
    if (prog[0] != '/') {
      if (cwd.empty()) {
        return error{ec::bad_input,
                     fmt::format("the program '{}' is a relative path but the handler has no "
                                 "cwd: give an absolute path or a cwd", prog)};
      }
      path = cwd + "/" + prog;
    }
    if (is_executable_file(path))
      return path;
    return error{ec::bad_input,
                 fmt::format("the program '{}' {}", path, why_not_executable(path))};
  }
  const char* env_path = std::getenv("PATH");
  std::string dirs = env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream ss{dirs};
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && is_executable_file(dir + "/" + prog))
      return dir + "/" + prog;
  return error{ec::bad_input,
               fmt::format("the program '{}' was not found on PATH ({})", prog, dirs)};
}

/// The absolute folder `path` is in ("a/b.yaml" -> "$PWD/a").
std::string folder_of(const std::string& path) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (dir[0] == '/')
    return dir;
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf) == nullptr)
    return dir;
  return dir == "." ? std::string{buf} : std::string{buf} + "/" + dir;
}

result<std::string> absolute_dir(const std::string& dir, const std::string& base) {
  std::string path = dir[0] == '/' ? dir : base + "/" + dir;
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode))
    return error{ec::bad_input, fmt::format("cwd '{}' is not a directory", path)};
  return path;
}

/// argv must be a non-empty list; placeholders only as whole items.
void check_argv(handler_reader& r, const field& f, std::vector<std::string>& argv) {
  auto items = r.read_list(f, "argv", false);
  if (!items || items->empty()) {
    if (items)
      r.fail(f.mark(), "'argv' must name at least the program");
    return;
  }
  argv = std::move(*items);
  size_t i = 0;
  for (const auto& item : f.value) {
    const auto& a = argv[i++];
    for (auto& p : argv_placeholders())
      if (a != p && a.find(p) != std::string::npos)
        r.fail(item.Mark(), fmt::format("'{}' holds the placeholder {} inside other text; a "
                                        "placeholder must be a whole argument (placeholders: "
                                        "{{payload}}, {{id}}, {{attempt}}, {{type}})", a, p));
  }
}

void read_env(handler_reader& r, const field& f, process_spec& p) {
  if (!f || !r.check_map(f.value, f.mark(), "'env'", {"inherit", "set"}))
    return;
  if (auto v = r.read_list(find(f.value, "inherit"), "inherit"))
    p.inherit = std::move(*v);
}

/// `env.set` takes any names, so it is read here instead of check_map.
void read_env_set(handler_reader& r, const field& env, process_spec& p) {
  if (!env || !env.value.IsMap())
    return;
  auto set = find(env.value, "set");
  if (!set)
    return;
  if (!set.value.IsMap()) {
    r.fail(set.mark(), "'env.set' must be a mapping of NAME: value");
    return;
  }
  for (auto it = set.value.begin(); it != set.value.end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar().empty()
        || it->first.Scalar().find('=') != std::string::npos || !it->second.IsScalar())
      r.fail(it->first.Mark(), "each item of 'env.set' must be NAME: value (no '=' in NAME)");
    else
      p.set[it->first.Scalar()] = it->second.Scalar();
  }
}

void read_rlimits(handler_reader& r, const field& f, process_spec& p) {
  if (!f || !r.check_map(f.value, f.mark(), "'rlimits'", {"cpu", "address_space", "open_files"}))
    return;
  if (auto cpu_ms = r.read_span(find(f.value, "cpu"), "rlimits.cpu"))
    p.rlimit_cpu_s = static_cast<uint64_t>((*cpu_ms + 999) / 1000);
  if (auto v = r.read_size(find(f.value, "address_space"), "rlimits.address_space"))
    p.rlimit_as = *v;
  if (auto v = r.read_uint(find(f.value, "open_files"), "rlimits.open_files", 4, 1 << 20))
    p.rlimit_nofile = *v;
}

/// The keys exec and worker share.
void read_process(handler_reader& r, const YAML::Node& n, const field& whole, process_spec& p) {
  if (auto cwd = r.read_string(find(n, "cwd"), "cwd")) {
    auto dir = absolute_dir(*cwd, r.base_dir);
    if (dir)
      p.cwd = *dir;
    else
      r.fail(find(n, "cwd").mark(), dir.err().message);
  }
  auto argv = find(n, "argv");
  if (!argv)
    r.fail(whole.mark(), "'argv' is missing: the program and its arguments, e.g. "
                         "argv: [tr, a-z, A-Z]");
  check_argv(r, argv, p.argv);
  bool cwd_ok = !find(n, "cwd") || !p.cwd.empty(); // else that is the one error to fix
  if (!p.argv.empty() && cwd_ok) {
    if (auto prog = resolve_program(p.argv[0], p.cwd))
      p.argv[0] = *prog;
    else
      r.fail(argv.value[0].Mark(), prog.err().message);
  }
  auto env = find(n, "env");
  read_env(r, env, p);
  read_env_set(r, env, p);
  read_rlimits(r, find(n, "rlimits"), p);
  if (auto ms = r.read_span(find(n, "timeout"), "timeout"))
    p.timeout_ms = *ms;
  if (auto ms = r.read_span(find(n, "kill_grace"), "kill_grace"))
    p.kill_grace_ms = *ms;
}

std::shared_ptr<exec_spec> read_exec(handler_reader& r, const field& f) {
  if (!r.check_map(f.value, f.mark(), "'exec'",
                   {"argv", "cwd", "env", "stdin", "timeout", "kill_grace", "max_output",
                    "rlimits", "no_retry_exit_codes"}))
    return nullptr;
  auto x = std::make_shared<exec_spec>();
  read_process(r, f.value, f, x->proc);
  if (auto in = r.read_string(find(f.value, "stdin"), "stdin")) {
    if (*in != "payload" && *in != "none")
      r.fail(find(f.value, "stdin").mark(), fmt::format("'stdin' must be payload or none, got "
                                                        "'{}'", *in));
    x->stdin_payload = *in == "payload";
  }
  if (auto max = r.read_size(find(f.value, "max_output"), "max_output")) {
    x->max_output = *max;
    if (x->max_output == 0 || x->max_output > (64ULL << 20))
      r.fail(find(f.value, "max_output").mark(), "'max_output' must be from 1 byte to 64MiB");
  }
  auto codes = find(f.value, "no_retry_exit_codes");
  if (codes && !codes.value.IsSequence())
    r.fail(codes.mark(), "'no_retry_exit_codes' must be a list of exit codes, e.g. [2, 3]");
  else if (codes)
    for (const auto& c : codes.value) {
      if (auto v = r.read_uint(field{codes.key, c, true}, "no_retry_exit_codes item", 1, 255))
        x->no_retry_exit_codes.push_back(static_cast<int>(*v));
    }
  return x;
}

std::shared_ptr<worker_spec> read_worker(handler_reader& r, const field& f) {
  if (!r.check_map(f.value, f.mark(), "'worker'",
                   {"argv", "cwd", "env", "processes", "max_tasks_per_process", "max_rss",
                    "types", "timeout", "kill_grace", "ready_timeout", "rlimits"}))
    return nullptr;
  auto w = std::make_shared<worker_spec>();
  read_process(r, f.value, f, w->proc);
  if (auto v = r.read_uint(find(f.value, "processes"), "processes", 1, 256))
    w->processes = *v;
  if (auto v = r.read_uint(find(f.value, "max_tasks_per_process"), "max_tasks_per_process", 0,
                           UINT64_MAX))
    w->max_tasks_per_process = *v;
  if (auto v = r.read_size(find(f.value, "max_rss"), "max_rss"))
    w->max_rss = *v;
  if (auto v = r.read_list(find(f.value, "types"), "types"))
    w->types = std::move(*v);
  if (auto ms = r.read_span(find(f.value, "ready_timeout"), "ready_timeout")) {
    w->ready_timeout_ms = *ms;
    if (*ms == 0)
      r.fail(find(f.value, "ready_timeout").mark(), "'ready_timeout' must be more than 0");
  }
  return w;
}

void read_handler(handler_reader& r, const YAML::Node& key, const YAML::Node& value,
                  const std::vector<std::string>& builtin, handler_set& out) {
  auto name = key.IsScalar() ? key.Scalar() : std::string{};
  field whole{key, value, true};
  if (name.empty()) {
    r.fail(key.Mark(), "a handler needs a name (the task type it runs)");
    return;
  }
  if (!r.check_map(value, whole.mark(), fmt::format("handler '{}'", name), {"exec", "worker"}))
    return;
  auto ex = find(value, "exec");
  auto wk = find(value, "worker");
  if (ex && wk)
    return r.fail(key.Mark(), fmt::format("handler '{}' has both exec and worker; choose one",
                                          name));
  if (!ex && !wk)
    return r.fail(whole.mark(), fmt::format("handler '{}' needs exec: {{...}} or worker: "
                                            "{{...}}", name));
  handler_spec h;
  h.name = name;
  h.fingerprint = YAML::Dump(value);
  if (ex) {
    for (auto& b : builtin)
      if (b == name)
        r.fail(key.Mark(), fmt::format("'{}' is a built-in task type; give the exec handler "
                                       "another name", name));
    h.exec = read_exec(r, ex);
    if (h.exec && !h.exec->proc.argv.empty())
      h.fingerprint += "|" + h.exec->proc.argv[0] + "|" + h.exec->proc.cwd;
  } else {
    h.worker = read_worker(r, wk);
    if (h.worker && !h.worker->proc.argv.empty())
      h.fingerprint += "|" + h.worker->proc.argv[0] + "|" + h.worker->proc.cwd;
  }
  out.handlers[name] = std::move(h);
}

std::string fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text)
    h = (h ^ c) * 1099511628211ULL;
  return fmt::format("{:016x}", h);
}

} // namespace

result<handler_set> parse_handlers(const std::string& text, const std::string& source,
                                   bool whole_config, const std::vector<std::string>& builtin) {
  handler_reader r{source, folder_of(source)};
  handler_set next;
  next.source = source;
  try {
    auto root = YAML::Load(text);
    if (root.IsNull() && whole_config)
      return next;
    if (!whole_config)
      r.check_map(root, root.Mark(), "a handlers file", {"handlers"});
    auto hs = find(root, "handlers");
    if (hs && !hs.value.IsNull()) {
      if (!hs.value.IsMap())
        r.fail(hs.mark(), "'handlers' must map each name (the task type) to exec: or worker:");
      else
        for (auto it = hs.value.begin(); it != hs.value.end(); ++it)
          read_handler(r, it->first, it->second, builtin, next);
      next.hash = fnv1a(YAML::Dump(hs.value));
    }
  } catch (const YAML::Exception& e) {
    r.fail(e.mark, e.msg);
  }
  if (!r.ok())
    return error{ec::bad_input, r.report()};
  return next;
}

result<std::string> read_handlers_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return error{ec::bad_input, path + ": cannot open the handlers file"};
  std::string text;
  text.resize(max_handlers_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad())
    return error{ec::bad_input, path + ": cannot read the handlers file"};
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_handlers_bytes)
    return error{ec::bad_input, path + ": larger than 1 MiB; is this the right file?"};
  return text;
}

result<handler_set> load_handlers(const std::string& path, bool whole_config,
                                  const std::vector<std::string>& builtin) {
  auto text = read_handlers_file(path);
  if (!text)
    return text.err();
  return parse_handlers(*text, path, whole_config, builtin);
}

} // namespace drover
