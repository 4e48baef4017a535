// Reading a job from JSON (the body of POST /v1/jobs, and `drover submit
// FILE.json` before it is sent). The one boundary around nlohmann::json's
// exceptions for job bodies: every problem comes back as a message naming
// the field, e.g. "tasks[3].priority: expected one of high, normal, low".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "http/api_types.hpp"

namespace drover {

/// Deepest nesting of arrays and objects a job body may have (a payload
/// is part of it).
constexpr int max_json_depth = 100;

struct job_limits {
  std::size_t max_tasks = 1'000'000; ///< tasks per job, after `count` expands
  bool read_files = false; ///< split.lines may read a local file (producer, CLI; not REST)
};

struct job_parse_result {
  job_request job;        ///< valid only when `err` is empty
  error err;              ///< ec::bad_input, "path: what is wrong"
  bool too_many = false;  ///< the error is a list over max_tasks (HTTP 413)
};

/// Parses and validates a job body:
///   {"name": "etl", "group": "g", "idempotency_key": "k" (or "origin": "k"),
///    "tasks": [{"type": "echo", "payload": "hi", "priority": "high",
///               "key": "u1", "tags": ["gpu"], "timeout_ms": 1000,
///               "max_attempts": 3, "dedupe_key": "d", "count": 1}]}
/// Required: name, tasks (non-empty), each task's type. `count` repeats a
/// task (default 1). Unknown fields and wrong types are errors. Never throws.
job_parse_result parse_job_request(std::string_view body, const job_limits& limits);

} // namespace drover
