// A scenario job as the JSON body POST /v1/jobs takes: what --processes
// submits and what a `schedule` entry hands the scheduler as its template.
#pragma once

#include <string>

#include "replay/scenario.hpp"

namespace drover::replay {

std::string job_body(const job_def& j);

} // namespace drover::replay
