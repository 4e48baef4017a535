// A producer's job definition file (`--job-file`): the same
// JSON as a POST /v1/jobs body, with `split` and `merge` (see
// http/job_split_json.hpp). Parsed and expanded before any role starts.
#pragma once

#include <string>

#include "core/errors.hpp"
#include "http/api_types.hpp"

namespace drover {

/// Reads and expands the file (tasks and name); the error names the file
/// and the field to fix.
result<job_request> load_job_file(const std::string& path);

} // namespace drover
