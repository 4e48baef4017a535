// Response bodies of the REST API (http/API.md has every shape): backend
// answers -> JSON. Pure functions; the server adds statuses and headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/api_types.hpp"

namespace drover {

/// JSON text of `j`, compact; bytes that are not UTF-8 (a task's payload
/// or result may hold any) become U+FFFD instead of failing the reply.
std::string dump_json(const nlohmann::json& j);

nlohmann::json to_json(const job_created& c);
/// Why tasks wait: [{reason, why, type, detail, tasks}], largest group first.
nlohmann::json to_json(const std::vector<waiting_group>& groups);
/// `now_ms` is the wall clock at the edge, for the rate of a running job.
nlohmann::json to_json(const job_info& j, int64_t now_ms);
nlohmann::json to_json(const job_page& p, uint64_t offset, uint32_t limit, int64_t now_ms);
nlohmann::json to_json(const task_info& t);
/// GET /v1/jobs/{id}/tasks: {job_id, state, offset, limit, total, tasks:
/// [{id, type, state, attempt, max_attempts, consumer, finished_ms, and
/// result (SUCCEEDED), error (FAILED, TIMED_OUT, CANCELLED) or last_error
/// (a retry waits or runs), result_bytes, truncated}]}.
nlohmann::json to_json(const job_tasks& page);
nlohmann::json to_json(const task_cancelled& c);
nlohmann::json to_json(const job_cancelled& c);
nlohmann::json to_json(const rules_info& r);
nlohmann::json to_json(const node_info& n);
nlohmann::json to_json(const std::vector<node_info>& nodes);
nlohmann::json to_json(const health_info& h);
/// GET /v1/alerts: {"alerts": [{at_ms, node, text}]}, oldest first.
nlohmann::json to_json(const std::vector<alert_info>& alerts);
/// GET /v1/overview: the /metrics snapshot as JSON, for the dashboard.
nlohmann::json to_json(const metrics_snapshot& m);

/// The full lifecycle of a task, oldest first: the common-path records
/// (created, assigned, started, finished) rebuilt from the row's times,
/// merged with the stored rare events.
std::vector<task_event> task_history(const task_info& t);

} // namespace drover
