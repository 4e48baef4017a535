// Internal to the scenario parser: the readers of its sections, split over
// scenario_parse.cpp (top level, cluster, jobs) and scenario_timeline.cpp
// (timeline, expectations). Not for other callers: use scenario.hpp.
#pragma once

#include <string>

#include "replay/scenario.hpp"
#include "core/yaml_reader.hpp"

namespace drover::replay {

/// Reads a job mapping (submit entries, producers' jobs) into `out`.
void read_job(yaml_reader& r, const field& f, job_def& out);
/// `rel` against `base_dir` unless it is absolute.
std::string resolve_path(const std::string& base_dir, const std::string& rel);
/// Reports at `f` if `path` is not a valid rules file (with the rules' own
/// positioned problems).
void check_rules_file(yaml_reader& r, const field& f, const std::string& path);
void read_timeline(yaml_reader& r, const field& f, const std::string& base_dir,
                   scenario& out);
void read_expectations(yaml_reader& r, const field& f, scenario& out);
// -- multi-user data, replay/data_parse.cpp -----------------------------
void read_data_action(yaml_reader& r, const field& f, const scenario& s, action& a);
void read_data_expectation(yaml_reader& r, const YAML::Node& n, const field& kf,
                           const scenario& s, expectation& e);
/// A job's dedupe_key, split and merge keys.
void read_job_extras(yaml_reader& r, const YAML::Node& n, job_def& out);
/// The cluster's `queues:` bounds.
void read_cluster_queues(yaml_reader& r, const field& f, cluster_def& out);
/// schedule / schedule_stop / schedule_start / schedule_change entries
/// (replay/scenario_schedules.cpp).
void read_schedule_action(yaml_reader& r, const field& f, action& a);

} // namespace drover::replay
