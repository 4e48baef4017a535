// The JSON-lines protocol between drover and a worker process
// (docs/worker-protocol.md): one JSON object per line, "t" names the kind.
//   worker -> drover: ready {types}, result {id, ok, result | error{type,
//                     message, retryable}}, progress {id, done, total},
//                     log {id, level, msg}
//   drover -> worker: task {id, attempt, type, deadline_ms, payload},
//                     cancel {id}, shutdown
// The format is fixed: the reference libraries and users' workers depend
// on it. Pure functions, no CAF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "exec/outcome.hpp"

namespace drover {

enum class worker_msg_kind : uint8_t { ready, result, progress, log };

/// One line from a worker, parsed.
struct worker_msg {
  worker_msg_kind kind = worker_msg_kind::ready;
  std::vector<std::string> types;   ///< ready
  std::string id;                   ///< result, progress, log
  bool ok = false;                  ///< result
  std::string result;               ///< result with ok
  std::string error_type;           ///< result without ok
  std::string error_message;
  bool retryable = true;
  int64_t done = 0, total = 0;      ///< progress
  std::string level, msg;           ///< log
};

/// Parses one line (without its newline). ec::bad_input says what is wrong:
/// not JSON, not an object, an unknown "t", a missing or mistyped field.
result<worker_msg> parse_worker_line(std::string_view line);

/// The task line for `r`, newline included; the id is the task's number.
std::string task_line(const exec_request& r);
std::string cancel_line(task_id id);
std::string shutdown_line();

/// `s` as a JSON string literal (quotes included); invalid UTF-8 bytes
/// become U+FFFD so the line stays valid JSON.
void append_json_string(std::string& out, std::string_view s);

} // namespace drover
