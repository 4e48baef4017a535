// --data-dir (config/data_dir.hpp) and the flags of multi-user data
// scheduling; see README "Multi-user data".
#include <CLI/CLI.hpp>

#include "config/options.hpp"

namespace drover {

void add_data_flags(CLI::App& app, run_options& o) {
  auto* data = "Multi-user data";
  app.add_option("--data-dir", o.data_dir, "directory of every state file: the SQLite store "
                 "(a relative --store=sqlite:PATH is read under it), consumers' user queues "
                 "(mailbox-<node>.db) and handler process groups (exec-groups-<node>); default "
                 "./drover-data (./drover-data-<user> in a directory of another user)");
  ms_option(app, "--topology-every", o.topology_ms, "consumer: ms between topology fetches")
    ->capture_default_str()->check(CLI::Range(1u, 3600000u))->group(data);
  app.add_option("--user-queue", o.user_queue, "consumer: items each user's queue holds")
    ->capture_default_str()->check(CLI::Range(1u, 100000000u))->group(data);
  app.add_option("--max-data", o.max_data, "manager: largest send_data body in bytes")
    ->capture_default_str()->check(CLI::Range(1u, 1073741824u))->group(data);
}

} // namespace drover
