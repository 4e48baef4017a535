// The config file's `schedules:` list (issue #10 item 6); config_file.cpp
// hands the node here. yaml-cpp stays out of config/options.hpp.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/schedule_book.hpp"

namespace drover {

/// Reads and checks each schedule (all but its job, which the scheduler
/// checks at start). Returns the problems, one "file:line:column: what is
/// wrong" line each, '\n'-ended; `out` is set only when there are none.
std::string read_config_schedules(const std::string& path, const YAML::Node& n,
                                  std::vector<schedule_input>& out);

} // namespace drover
