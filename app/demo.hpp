// `drover run --demo`: the first thing a new user runs. Every role in one
// process with the SQLite store in the data dir, the dashboard on
// 127.0.0.1, and a demo job whose tasks run through an exec handler (a
// shell one-liner: one process per task, stdout is the result). It prints
// the dashboard's address; on a terminal it keeps serving it after the job
// until Ctrl-C, under CI=true or without a terminal it exits when the job
// is done.
#pragma once

#include <string>

#include "config/options.hpp"

namespace drover {

/// The handler type the demo's tasks have.
constexpr const char* demo_task_type = "demo.words";

/// Sets up `o` for the demo: every role, the demo job (unless --tasks
/// gives its size) and the handlers file, written into the data dir.
/// REQUIRES: validate(o) (which refuses --role, --handlers and --job-file
/// with --demo) and settle_data_dir(o) passed.
error prepare_demo(run_options& o);

/// True if the process should stay up after the demo job: stdin and
/// stdout are terminals and CI is not set.
bool demo_stays_up();

/// The line that tells the user where to look, for stdout.
std::string demo_banner(const std::string& http_address, uint64_t tasks);

} // namespace drover
