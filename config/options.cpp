#include "config/options.hpp"

#include <charconv>

#include <CLI/CLI.hpp>

#include "core/lease_window.hpp"
#include "core/log_format.hpp"
#include "core/task.hpp"

namespace drover {

result<endpoint> parse_endpoint(std::string_view text, bool allow_any_port) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return {ec::bad_input, "'" + std::string{text} + "' is not HOST:PORT, e.g. 127.0.0.1:4700"};
  auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, err] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (err != std::errc{} || end != port_text.data() + port_text.size()
      || (port == 0 && !allow_any_port) || port > 65535)
    return {ec::bad_input, "bad port '" + std::string{port_text} + "' in '"
                             + std::string{text} + "': use a number from 1 to 65535"};
  return endpoint{std::string{text.substr(0, colon)}, static_cast<uint16_t>(port)};
}

const std::vector<std::string>& known_roles() {
  static const std::vector<std::string> roles{"registry", "manager", "consumer", "producer"};
  return roles;
}

bool runs_role(const run_options& opts, std::string_view role) {
  if (opts.roles.empty())
    return true;
  for (auto& r : opts.roles)
    if (r == role)
      return true;
  return false;
}

CLI::Validator ms_duration() {
  return CLI::Validator(
    [](std::string& v) {
      if (!v.empty() && v[0] == '-')
        return std::string{"must not be negative"};
      auto ms = parse_duration_ms(v);
      if (!ms)
        return "'" + v + "' is not milliseconds or a duration such as 500ms, 2s, 1m or 1h";
      v = std::to_string(*ms);
      return std::string{};
    },
    "", "duration");
}

CLI::Option* ms_option(CLI::App& app, const std::string& name, uint32_t& value,
                       const std::string& help) {
  return app.add_option(name, value, help)->type_name("MS")->transform(ms_duration());
}

void add_run_flags(CLI::App& app, run_options& o) {
  app.add_option("--config", o.config_path,
                 "YAML config file: each key is a flag's name (grace: 1s); flags and DROVER_* "
                 "variables override it (see config/drover.yaml); default /etc/drover/drover.yaml "
                 "if it exists")
    ->check(CLI::Validator(
      [](std::string& v) {
        return v.empty() ? std::string{"needs a file, e.g. --config=config/drover.yaml"}
                         : std::string{};
      },
      "", "non-empty"));
  app.add_option("--role", o.roles, "registry|manager|consumer|producer, comma-separated; default: all")
    ->delimiter(',');
  app.add_option("--listen", o.listen, "HOST:PORT the registry listens on")->capture_default_str();
  app.add_option("--registry", o.registry, "HOST:PORT of the registry to join (roles without --role=registry); several, comma-separated, when manager processes share a PostgreSQL store: members follow the one that leads");
  app.add_option("--node", o.node, "this node's name; default <role>-<pid>");
  app.add_option("--tags", o.tags, "consumer tags, comma-separated")->delimiter(',');
  app.add_option("--capacity", o.capacity, "tasks a consumer runs at once")->capture_default_str();
  app.add_option("--prefetch", o.prefetch,
                 "tasks a consumer may hold beyond --capacity, waiting for a free slot, while its "
                 "tasks are short (under 10 ms on average): fewer round trips for many short "
                 "tasks; auto: 3 x --capacity; 0: none")
    ->capture_default_str();
  app.add_option("--store", o.store, "sqlite:PATH or memory")->capture_default_str();
  app.add_option("--durability", o.durability,
                 "disk: fsync every SQLite commit before acknowledging it (survives power loss); "
                 "process: write it without fsync (survives a crash of drover, not of the OS)")
    ->capture_default_str();
  app.add_option("--rules", o.rules, "assignment rules YAML, watched and hot-swapped (see rules/examples); "
                 "default: config/rules.yaml if it exists, else least_loaded");
  ms_option(app, "--rules-poll", o.rules_poll_ms, "ms between looks at the rules file; 0 = never")
    ->capture_default_str();
  ms_option(app, "--grace", o.grace_ms, "ms to wait before moving a lost member's work")->capture_default_str();
  ms_option(app, "--heartbeat", o.heartbeat_ms, "ms between members' heartbeats to the registry; 0 = off")
    ->capture_default_str();
  app.add_option("--heartbeat-misses", o.heartbeat_misses, "a member missing this many in a row is lost")
    ->capture_default_str();
  ms_option(app, "--default-timeout", o.default_timeout_ms, "manager: ms per attempt for tasks that set none; 0 = none")
    ->capture_default_str();
  app.add_option("--max-restarts", o.max_restarts, "supervisor: restarts of a crashed role allowed within --restart-window")
    ->capture_default_str();
  ms_option(app, "--restart-window", o.restart_window_ms, "supervisor: ms; past the limit it alerts and stops the role")
    ->capture_default_str();
  app.add_option("--threads", o.threads, "CAF scheduler threads; 0 = one per core")->capture_default_str();
  ms_option(app, "--connect-timeout", o.connect_timeout_ms, "ms to wait for the registry")->capture_default_str();
  add_link_flags(app, o);
  add_tls_flags(app, o.tls);
  app.add_flag("--insecure", o.insecure,
               "let the registry listen on a non-loopback address without TLS (anyone who "
               "reaches the port can join and receive tasks)")
    ->group("Mutual TLS between nodes");
  app.add_option("--log-level", o.log_level, "error|warn|info|debug")->capture_default_str();
  app.add_option("--log-format", o.log_format, "text: '<UTC time> <level> <message>' lines; "
                 "json: one object per line with ts, level, component and msg")
    ->capture_default_str();
  ms_option(app, "--status-every", o.status_every_ms, "consumer: ms between status reports to the manager; 0 = none")
    ->capture_default_str();
  ms_option(app, "--idle-after", o.idle_after_ms, "manager: ms of idleness after which surplus consumers sleep; 0 = never")
    ->capture_default_str();
  app.add_option("--min-awake", o.min_awake, "manager: consumers the idle policy keeps awake")->capture_default_str();
  app.add_option("--wake-backlog", o.wake_backlog, "manager: pending tasks per awake consumer above which sleepers wake")
    ->capture_default_str();
  auto* job = "Producer job";
  app.add_option("--tasks", o.tasks, "submit one job of N tasks, print progress, exit when done")->group(job);
  app.add_option_function<std::string>("--type", [&o](const std::string& v) { o.task.type = v; },
                                       "task type (handler): noop, echo, sleep, fail, burn")
    ->default_str("noop")->group(job);
  app.add_option_function<std::string>(
       "--payload", [&o](const std::string& v) { o.task.payload = v; }, "payload of every task")
    ->group(job);
  app.add_option_function<std::string>("--priority", [&o](const std::string& v) {
       auto p = parse_priority(v);
       if (p)
         o.task.prio = *p;
       else
         throw CLI::ValidationError("--priority", "'" + v + "' is not high, normal or low");
     }, "high|normal|low")->default_str("normal")->group(job);
  app.add_option("--max-attempts", o.task.max_attempts, "attempts per task")->capture_default_str()->group(job);
  ms_option(app, "--timeout", o.task.timeout_ms, "ms per attempt; 0 = none")->capture_default_str()->group(job);
  app.add_option("--job", o.job, "job name")->capture_default_str()->group(job);
  app.add_option("--group", o.group, "producer group")->capture_default_str()->group(job);
  app.add_option("--list-size", o.list_size, "tasks per pushed list")->capture_default_str()->group(job);
  app.add_option_function<std::string>("--queues", [&o](const std::string& v) {
       auto q = parse_queues_flag(v, o.queues);
       if (!q)
         throw CLI::ValidationError("--queues", q.err().message);
       o.queues = *q;
     }, "manager: queue bounds, e.g. normal:100000,standby:50000 (keys high, normal, low, "
        "standby); overrides the config file's queues:");
  app.add_option("--job-file", o.job_file, "job definition JSON (tasks, split, merge) instead of --tasks")
    ->group(job);
  app.add_flag("--quiet", o.quiet, "no progress lines")->group(job);
  app.add_flag("--demo", o.demo, "every role in one process and a demo job run by an exec "
               "handler; prints the dashboard's address, stays up on a terminal until Ctrl-C "
               "(exits when the job is done under CI=true or without a terminal)");
  auto* users = "Users' handlers and drain (consumer)";
  app.add_option("--handlers", o.handlers, "YAML file of exec and worker handlers (see "
                 "examples/handlers.yaml), re-read and hot-swapped; default: the --config "
                 "file's handlers: section")->group(users);
  ms_option(app, "--handlers-poll", o.handlers_poll_ms, "ms between looks at the handlers "
                 "file; 0 = never")->capture_default_str()->group(users);
  ms_option(app, "--drain-timeout", o.drain_timeout_ms, "ms a consumer stopped by SIGTERM "
                 "lets running tasks finish before handing them back")
    ->capture_default_str()->group(users);
  add_data_flags(app, o);
}

result<std::vector<endpoint>> parse_endpoints(std::string_view text) {
  std::vector<endpoint> out;
  size_t start = 0;
  for (;;) {
    auto comma = text.find(',', start);
    auto part = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    auto ep = parse_endpoint(part);
    if (!ep)
      return error{ec::bad_input, (text.find(',') == text.npos ? "" : "'" + std::string{part} + "': ")
                                    + ep.err().message};
    out.push_back(*ep);
    if (comma == std::string_view::npos)
      return out;
    start = comma + 1;
  }
}

error validate(const run_options& o) {
  if (o.demo && !o.roles.empty())
    return {ec::bad_input, "--demo runs every role in one process; leave --role out"};
  if (o.demo && (!o.handlers.empty() || !o.job_file.empty()))
    return {ec::bad_input, "--demo brings its own handlers and job; leave --handlers and "
                           "--job-file out"};
  for (auto& r : o.roles) {
    bool known = false;
    for (auto& k : known_roles())
      known = known || r == k;
    if (!known)
      return {ec::bad_input, "--role: unknown role '" + r
                               + "'; use registry, manager, consumer or producer"};
  }
  if (runs_role(o, "registry")) {
    if (auto ep = parse_endpoint(o.listen, true); !ep)
      return {ec::bad_input, "--listen: " + ep.err().message};
  } else {
    if (o.registry.empty())
      return {ec::bad_input, "--registry=HOST:PORT is needed when this process runs no registry"};
    if (auto eps = parse_endpoints(o.registry); !eps)
      return {ec::bad_input, "--registry: " + eps.err().message};
  }
  if (auto d = parse_durability(o.durability); !d)
    return {ec::bad_input, "--durability: " + d.err().message};
  if (o.task.max_attempts == 0)
    return {ec::bad_input, "--max-attempts must be at least 1"};
  if (o.list_size == 0 || o.list_size > max_list_size)
    return {ec::bad_input, "--list-size: " + std::to_string(o.list_size) + " is out of range; use 1 to "
                             + std::to_string(max_list_size) + " (one list is one message and one "
                               "transaction, held whole in memory)"};
  if (o.threads > max_threads)
    return {ec::bad_input, "--threads: " + std::to_string(o.threads) + " is out of range; use 0 "
                             "(one per core) or 1 to " + std::to_string(max_threads)
                             + " (each is a CAF scheduler thread; more than a few per core only "
                               "adds switching)"};
  if (o.task.type.empty() && runs_role(o, "producer") && o.tasks > 0)
    return {ec::bad_input, "--type must not be empty: name a task type, e.g. --type=echo"};
  if (o.heartbeat_ms > 0 && o.heartbeat_misses == 0)
    return {ec::bad_input, "--heartbeat-misses must be at least 1 (or turn heartbeats off "
                           "with --heartbeat=0)"};
  if (o.capacity == 0 && runs_role(o, "consumer"))
    return {ec::bad_input, "--capacity must be at least 1 for a consumer"};
  if (auto p = parse_prefetch(o.prefetch); !p)
    return {ec::bad_input, "--prefetch: " + p.err().message};
  if (auto why = validate(o.queues); !why.empty()) // bounds the flags cannot check alone
    return {ec::bad_input, why};
  if (!o.job_file.empty() && (o.tasks > 0 || !runs_role(o, "producer")))
    return {ec::bad_input, "--job-file needs the producer role and no --tasks"};
  if (o.tasks > 0 && !runs_role(o, "producer"))
    return {ec::bad_input, "--tasks needs the producer role (--role=producer)"};
  if (o.log_level != "error" && o.log_level != "warn" && o.log_level != "info"
      && o.log_level != "debug")
    return {ec::bad_input, "--log-level: use error, warn, info or debug"};
  if (!parse_log_format(o.log_format))
    return {ec::bad_input, "--log-format: use text or json"};
  if (o.wake_backlog == 0)
    return {ec::bad_input, "--wake-backlog must be at least 1"};
  return validate_run_identity(o);
}

std::optional<uint64_t> parse_duration_ms(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 12)
    return std::nullopt;
  uint64_t n = 0;
  std::from_chars(text.data(), text.data() + digits, n);
  auto unit = text.substr(digits);
  if (unit.empty() || unit == "ms")
    return n;
  if (unit == "s")
    return n * 1000;
  if (unit == "m")
    return n * 60'000;
  if (unit == "h")
    return n * 3'600'000;
  return std::nullopt;
}

durability durability_of(const run_options& o) {
  auto d = parse_durability(o.durability); // validate() refused anything else
  return d ? *d : durability::disk;
}

std::vector<std::string> split_empty_values(int argc, char** argv) {
  std::vector<std::string> out;
  for (int i = 0; i < argc; ++i) {
    std::string arg{argv[i]};
    if (i > 0 && arg.size() > 3 && arg.compare(0, 2, "--") == 0 && arg.back() == '='
        && arg.find('=') == arg.size() - 1) {
      out.push_back(arg.substr(0, arg.size() - 1));
      out.emplace_back();
    } else {
      out.push_back(std::move(arg));
    }
  }
  return out;
}

void refuse_negative_numbers(CLI::App& app) {
  for (auto* opt : app.get_options())
    if (opt->get_type_name() == "UINT")
      opt->check(CLI::Validator(
        [](std::string& v) {
          return !v.empty() && v[0] == '-' ? std::string{"must not be negative"} : std::string{};
        },
        "", "non-negative"));
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    refuse_negative_numbers(*sub);
}

} // namespace drover
