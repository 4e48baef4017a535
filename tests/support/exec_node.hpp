// A `drover run` with users' handlers for cross-process tests: a handlers
// file in a scratch folder, REST to submit jobs and read tasks back, and
// bounded waits on REST state. 127.0.0.1 and OS-picked ports only.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/rest_node.hpp"

namespace drover::testing {

using json = nlohmann::json;

/// GETs `path` and parses the JSON answer (REQUIREs a 200).
json get_json(httplib::Client& http, const std::string& path);
/// POSTs a job body; returns the answer ({job_id, task_ids}).
json submit_job(httplib::Client& http, const json& body);
/// Polls GET /v1/jobs/{id} until it is finished; REQUIREs it within `limit`.
json wait_job(httplib::Client& http, uint64_t job, std::chrono::milliseconds limit);
/// Polls GET /v1/tasks/{id} until its state is `state`; REQUIREs it.
json wait_task_state(httplib::Client& http, const std::string& id, const std::string& state,
                     std::chrono::milliseconds limit);
/// True if any history record of the task is `event`.
bool has_event(const json& task, const std::string& event);

} // namespace drover::testing
