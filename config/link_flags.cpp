// Flags of `drover run` for members that outlive the manager (reconnecting,
// the readiness file, the execution journal) and for a producer run's
// identity (--run, --idempotency-key).
#include <CLI/CLI.hpp>

#include "config/options.hpp"

namespace drover {

void add_link_flags(CLI::App& app, run_options& o) {
  app.add_option("--reconnect-timeout", o.reconnect_timeout_ms,
                 "members: ms to keep trying to reach a registry or manager that went away, "
                 "then stop; 0 = keep trying")
    ->capture_default_str();
  app.add_option("--ready-file", o.ready_file,
                 "write PATH (JSON: pid, registry and http addresses) once the roles are up "
                 "and members registered");
  app.add_option("--journal", o.journal,
                 "consumer: append one line per finished attempt (task id, attempt, lease, "
                 "outcome) to PATH");
  auto* job = "Producer job";
  app.add_option("--run", o.run,
                 "run key: the run of this job to push or continue (e.g. a date); a new key "
                 "starts a new run of the same job")
    ->group(job);
  app.add_option("--idempotency-key", o.idempotency_key,
                 "the run's identity instead of group + job + run: producers and REST calls "
                 "with the same key continue the same job")
    ->group(job);
}

} // namespace drover
