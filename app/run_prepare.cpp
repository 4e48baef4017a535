// prepare_run: see app/run_prepare.hpp.
#include "app/run_prepare.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "app/job_file.hpp"
#include "app/ready_file.hpp"
#include "app/run_leader.hpp"
#include "core/handlers.hpp"

namespace drover {

namespace {

/// Used when --rules is not given and this file exists in the working directory.
constexpr const char* default_rules_path = "config/rules.yaml";

error prepare_manager(const run_options& o, const http_flags& http, prepared_run& out) {
  bool enabled = true;
  endpoint where;
  http_server_options hopts;
  if (auto err = resolve_http_flags(http, enabled, where, hopts))
    return err;
  std::string rules_path = o.rules;
  if (rules_path.empty() && ::access(default_rules_path, R_OK) == 0)
    rules_path = default_rules_path;
  if (!rules_path.empty()) {
    auto rules = load_rules(rules_path);
    if (!rules)
      return {rules.err().code, "rules: " + rules.err().message};
    out.rules = std::make_shared<rule_set>(std::move(*rules));
    out.rules_path = rules_path;
  }
  auto store = open_store(o.store, durability_of(o));
  if (!store)
    return {store.err().code, "store: " + store.err().message};
  out.store = std::move(*store);
  auto schedules = open_schedule_store(o.store, durability_of(o));
  if (!schedules)
    return {schedules.err().code, "schedules: " + schedules.err().message};
  out.schedules = std::move(*schedules);
  // Last, once everything else is known good: the port is taken now, so a
  // port in use is reported before the registry or anything else listens.
  if (is_shared_store(o.store)) { // a standby until it leads (app/run_leader.hpp)
    out.gate = std::make_shared<leader_gate>();
    hopts.gate = [gate = out.gate](const http_request& req, http_response& res) {
      return gate->answer(req, res);
    };
  }
  if (enabled) {
    out.http = std::make_unique<http_server>(hopts);
    if (auto e = out.http->bind(where.host, where.port))
      return {e.code, "http: " + e.message};
  }
  return {};
}

/// The consumer's users' handlers: the --handlers file, else the --config
/// file's `handlers:` section (none when neither is given).
error prepare_handlers(const run_options& o, prepared_run& out) {
  out.handlers_in_config = o.handlers.empty();
  out.handlers_path = out.handlers_in_config ? o.config_path : o.handlers;
  if (out.handlers_path.empty())
    return {};
  auto set = load_handlers(out.handlers_path, out.handlers_in_config, builtin_handlers().types());
  if (!set)
    return {set.err().code, "handlers: " + set.err().message};
  out.handlers = std::make_shared<handler_set>(std::move(*set));
  return {};
}

/// The --ready-file can be written where it is asked for (its PATH.tmp is
/// created and removed, as the real write does), and a file left by an
/// earlier run is removed now: whoever waits for it must not see that one.
error prepare_ready_file(const std::string& path) {
  struct stat sb {};
  if (::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode))
    return {ec::bad_input, "--ready-file: '" + path + "' is a directory; give a file path"};
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return {ec::bad_input, "--ready-file: cannot write '" + tmp + "': " + std::strerror(errno)
                             + " (the file is written there, then renamed to '" + path + "')"};
  ::close(fd);
  ::unlink(tmp.c_str());
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return {ec::bad_input, "--ready-file: cannot remove the old '" + path
                             + "': " + std::strerror(errno)};
  return {};
}

/// The node link's certificates, and no registry open to the network
/// without them unless --insecure says so.
error prepare_tls(const run_options& o) {
  if (auto err = check_tls_files(o.tls))
    return err;
  if (!runs_role(o, "registry") || o.tls.any() || o.insecure)
    return {};
  // A bad --listen is validate()'s to report; this check only judges a good one.
  auto ep = parse_endpoint(o.listen, true);
  if (!ep || is_loopback_host(ep->host))
    return {};
  return {ec::bad_input,
          "--listen=" + o.listen + " is reachable from other machines, and without TLS any "
          "process that reaches it can join as a consumer and receive tasks: give --tls-cert, "
          "--tls-key and --tls-ca (drover certs init DIR makes them), listen on 127.0.0.1, or "
          "pass --insecure if the network is trusted"};
}

} // namespace

result<prepared_run> prepare_run(const run_options& o, const http_flags& http) {
  if (auto err = prepare_tls(o))
    return err;
  if (!o.ready_file.empty())
    if (auto err = prepare_ready_file(o.ready_file))
      return err;
  if (o.ready_fd >= 0)
    if (auto err = prepare_ready_fd(o.ready_fd))
      return err;
  prepared_run out;
  if (runs_role(o, "producer") && !o.job_file.empty()) {
    auto job = load_job_file(o.job_file);
    if (!job)
      return job.err();
    out.job = std::move(*job);
  }
  if (runs_role(o, "consumer"))
    if (auto err = prepare_handlers(o, out))
      return err;
  if (runs_role(o, "manager"))
    if (auto err = prepare_manager(o, http, out))
      return err;
  return out;
}

} // namespace drover
