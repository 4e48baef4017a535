// The `split` and `merge` fields of a job body , read after
// its `tasks`:
//   {"name": "sum", "tasks": [{"type": "sum"}],
//    "split": {"range": {"from": 0, "to": 1000000, "shards": 8}},
//    "merge": {"type": "add", "payload": "..."}}
// split is one of {"range": {from, to, shards}}, {"lines": {file, per_task}},
// {"list": [items]}; with a split, `tasks` holds exactly one task, the
// template every part copies (its payload is replaced by the part's).
// merge is a task (no `count`) that runs once after every part succeeded.
// Bodies are read as ordered_json, so an object payload keeps its key order.
#pragma once

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "http/job_json.hpp"

namespace drover {

/// "path: what" as ec::bad_input (job_json.cpp).
error fail(const std::string& path, const std::string& what);
/// Rejects any key of `obj` not in `known`, naming it and the allowed ones
/// (job_json.cpp).
error check_fields(const nlohmann::ordered_json& obj, const std::string& where,
                   std::initializer_list<const char*> known);

/// Expands doc["split"] (if any) over the single template in `tasks`.
error apply_split(const nlohmann::ordered_json& doc, const job_limits& limits,
                  std::vector<task_spec>& tasks);

/// A job body for an expanded job (parts as plain tasks, the merge as
/// "merge"): what `drover submit` sends after reading split.lines locally.
std::string expanded_job_body(const job_request& job);

/// Rejects dedupe keys in drover's reserved "drover:" namespace.
error check_reserved_keys(const std::vector<task_spec>& tasks);

} // namespace drover
