// Bodies of the remote-worker endpoints (http/API.md, "Remote workers"):
// JSON -> worker_poll / worker_result with one precise message per problem,
// and the answers back to JSON. Pure functions.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/errors.hpp"
#include "http/api_types.hpp" // result<T>
#include "core/worker_types.hpp"

namespace drover {

/// POST /v1/workers/poll's body; ec::bad_input naming the field.
result<worker_poll> parse_worker_poll(std::string_view body);
/// POST /v1/tasks/{id}/heartbeat's body: {"lease": N}.
result<uint64_t> parse_worker_lease(std::string_view body);
/// POST /v1/tasks/{id}/complete (`ok`) or /fail's body, for task `id`.
result<worker_result> parse_worker_result(std::string_view body, task_id id, bool ok);
/// POST /v1/tasks/complete's body: {"results": [{id, lease, result | error}]}.
result<std::vector<worker_result>> parse_worker_results(std::string_view body);

nlohmann::json to_json(const std::vector<worker_task>& tasks);
nlohmann::json to_json(task_id id, uint64_t lease, const worker_beat& b);
nlohmann::json to_json(const std::vector<worker_view>& workers);
/// The batch answer: {"results": [{id, lease, status, error?}]}.
nlohmann::json verdicts_json(const std::vector<worker_result>& results,
                             const std::vector<worker_verdict>& verdicts);
/// The 409 body of a single completion with an old lease.
std::string stale_detail(task_id id, uint64_t lease);

} // namespace drover
