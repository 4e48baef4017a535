// Everything `drover run` can check or take before a role starts: the REST
// port (bound first, so a taken port is found before anything else
// listens), the job file, the rules file, the store, the users' handlers
// and the --ready-file's place. A bad value is reported before the
// registry, the manager or any socket exists.
#pragma once

#include <memory>
#include <string>

#include "app/leader_gate.hpp"
#include "config/options.hpp"
#include "exec/handler_spec.hpp"
#include "http/api_types.hpp"
#include "http/http_flags.hpp"
#include "http/server.hpp"
#include "rules/rule_set.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"

namespace drover {

struct prepared_run {
  std::unique_ptr<http_server> http;   ///< bound, not serving; null: no REST here
  job_request job;                     ///< from --job-file (empty without one)
  std::shared_ptr<rule_set> rules;     ///< null: default rules
  std::string rules_path;
  std::shared_ptr<task_store> store;   ///< the manager's store; null without a manager
  std::shared_ptr<schedule_store> schedules; ///< beside it (same file), for its store actor
  std::shared_ptr<handler_set> handlers; ///< a consumer's users' handlers; null: none
  std::string handlers_path;           ///< where they come from (re-read while running)
  bool handlers_in_config = false;     ///< the path is the --config file (its handlers: section)
  /// A store shared by manager processes (PostgreSQL): REST answers 503
  /// naming the leader until this process leads. Null otherwise.
  std::shared_ptr<leader_gate> gate;
};

/// What the roles `o` runs need, checked and opened. The error is one line
/// naming the flag or file to fix (exit code 2); nothing is left open or
/// bound then.
/// REQUIRES: validate(o) passed.
result<prepared_run> prepare_run(const run_options& o, const http_flags& http);

} // namespace drover
