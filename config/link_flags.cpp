// Flags of `drover run` for members that outlive the manager (reconnecting,
// the readiness file) and for a producer run's identity (--run,
// --idempotency-key).
#include <CLI/CLI.hpp>

#include "config/options.hpp"
#include "core/job_identity.hpp"

namespace drover {

namespace {

/// `--flag=` given with nothing: say so instead of running without it
/// (a script's unset variable must not quietly mean "no run key").
CLI::Validator given_non_empty(std::string what) {
  return CLI::Validator(
    [what](std::string& v) {
      return v.empty() ? "is empty; give " + what + ", or leave the flag out" : std::string{};
    },
    "", "non-empty");
}

} // namespace

error validate_run_identity(const run_options& o) {
  if (!o.run.empty() && !o.idempotency_key.empty())
    return {ec::bad_input, "--run and --idempotency-key both name the run; give one of them"};
  for (auto [flag, value] : {std::pair{"--run", &o.run},
                             std::pair{"--idempotency-key", &o.idempotency_key}}) {
    if (value->empty())
      continue;
    if (!runs_role(o, "producer"))
      return {ec::bad_input, std::string{flag} + " needs the producer role (--role=producer)"};
    if (auto err = check_identity(*value, flag))
      return err;
  }
  return {};
}

void add_link_flags(CLI::App& app, run_options& o) {
  ms_option(app, "--reconnect-timeout", o.reconnect_timeout_ms,
                 "members: ms to keep trying to reach a registry or manager that went away, "
                 "then stop; 0 = keep trying")
    ->capture_default_str();
  app.add_option("--ready-file", o.ready_file,
                 "write PATH (JSON: pid, registry and http addresses and ports, node) once "
                 "the roles are up and members registered")
    ->check(given_non_empty("a file path"));
  app.add_option("--ready-fd", o.ready_fd,
                 "write the same JSON to file descriptor N (inherited from the parent, e.g. a "
                 "pipe) once the roles are up, then close it")
    ->check([](const std::string& v) -> std::string {
      return !v.empty() && v[0] == '-'
               ? "'" + v + "' is not a file descriptor; give its number (0 or more)"
               : "";
    });
  auto* job = "Producer job";
  app.add_option("--run", o.run,
                 "run key: the run of this job to push or continue (e.g. a date); a new key "
                 "starts a new run of the same job")
    ->check(given_non_empty("a run key"))->group(job);
  app.add_option("--idempotency-key", o.idempotency_key,
                 "the run's identity instead of group + job + run: producers and REST calls "
                 "with the same key continue the same job")
    ->check(given_non_empty("a key"))->group(job);
}

} // namespace drover
