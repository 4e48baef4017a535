// JSON of the schedule endpoints (http/routes_schedules.cpp): request bodies
// -> schedule_input / a new period, with errors naming the field; records ->
// response bodies. Pure; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/errors.hpp"
#include "core/schedule_book.hpp"

namespace drover {

/// POST /v1/schedules:
///   {"name": "nightly", "every": "30s" | "cron": "0 2 * * *",
///    "catch_up": "none|one|all" (default one), "running": true (default),
///    "job": {the body POST /v1/jobs takes}}
/// Checks the shape, the timing, catch_up and the job (with the job parser
/// of POST /v1/jobs). ec::bad_input saying what to fix.
result<schedule_input> parse_schedule_body(std::string_view body);

/// A schedule's new period: exactly one of the two is set.
struct schedule_period {
  std::string every;
  std::string cron;
};

/// PUT / PATCH /v1/schedules/{id}: {"every": "5m"} or {"cron": "..."}.
result<schedule_period> parse_period_body(std::string_view body);

/// A schedule: id, name, every|cron, catch_up, state, runs, next/last run
/// times, the job template and the recent runs with their job ids.
nlohmann::json to_json(const schedule_record& r);
/// {"schedules": [...]} without the templates and runs.
nlohmann::json to_json(const std::vector<schedule_record>& rs);

} // namespace drover
