// A producer's job definition file (`--job-file`, issue 10 item 2): the same
// JSON as a POST /v1/jobs body, with `split` and `merge` (see
// http/job_split_json.hpp). Parsed and expanded before the producer starts.
#pragma once

#include <string>

#include "actors/producer.hpp"
#include "core/errors.hpp"

namespace drover {

/// Fills po.specs, po.tasks and po.job_name from the file; the error names
/// the file and the field to fix.
error load_job_file(const std::string& path, producer_options& po);

} // namespace drover
