// The config file's `schedules:` list; config_file.cpp
// hands the node here. yaml-cpp stays out of config/options.hpp.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/schedule_book.hpp"

namespace drover {

/// Reads and checks each schedule (all but its job, which the scheduler
/// checks at start). On failure ec::bad_input whose message holds every
/// problem, one "file:line:column: what is wrong" line each, '\n'-ended.
result<std::vector<schedule_input>> read_config_schedules(const std::string& path,
                                                          const YAML::Node& n);

} // namespace drover
