// `drover run`: starts the roles the options name in one actor system,
// connects to (or publishes) the registry, and waits until the job is done,
// a role stops, or SIGINT/SIGTERM arrives. Returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "config/options.hpp"
#include "http/http_flags.hpp"

namespace drover {

/// 0 on success; 1 if a job failed or a role stopped on an error; 2 for a
/// configuration or connection problem (printed as one line on stderr).
/// A process with the manager role also serves REST as `http` says.
/// `warnings` (the config file's old key names) are logged once the log
/// format is set.
int run_roles(run_options opts, const http_flags& http = {},
              const std::vector<std::string>& warnings = {});

} // namespace drover
