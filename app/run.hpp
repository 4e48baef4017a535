// `drover run`: starts the roles the options name in one actor system,
// connects to (or publishes) the registry, and waits until the job is done,
// a role stops, or SIGINT/SIGTERM arrives. Returns the process exit code.
#pragma once

#include "config/options.hpp"

namespace drover {

/// 0 on success; 1 if a job failed or a role stopped on an error; 2 for a
/// configuration or connection problem (printed as one line on stderr).
int run_roles(run_options opts);

} // namespace drover
