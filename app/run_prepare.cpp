// prepare_run: see app/run_prepare.hpp.
#include "app/run_prepare.hpp"

#include <unistd.h>

#include "app/job_file.hpp"
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
    auto rules = std::make_shared<rule_set>();
    if (auto err = load_rules(rules_path, *rules))
      return {err.code, "rules: " + err.message};
    out.rules = std::move(rules);
    out.rules_path = rules_path;
  }
  error err;
  out.store = open_store(o.store, err, durability_of(o));
  if (!out.store)
    return {err.code, "store: " + err.message};
  // Last, once everything else is known good: the port is taken now, so a
  // port in use is reported before the registry or anything else listens.
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
  auto set = std::make_shared<handler_set>();
  if (auto err = load_handlers(out.handlers_path, out.handlers_in_config,
                               builtin_handlers().types(), *set))
    return {err.code, "handlers: " + err.message};
  out.handlers = std::move(set);
  return {};
}

} // namespace

error prepare_run(const run_options& o, const http_flags& http, prepared_run& out) {
  if (runs_role(o, "producer") && !o.job_file.empty())
    if (auto err = load_job_file(o.job_file, out.job))
      return err;
  if (runs_role(o, "consumer"))
    if (auto err = prepare_handlers(o, out))
      return err;
  if (runs_role(o, "manager"))
    return prepare_manager(o, http, out);
  return {};
}

} // namespace drover
