// The one table from drover::ec to an HTTP status (STYLE.md §7), and the
// error body every 4xx/5xx carries: {"error": "<code>", "detail": "<what to fix>"}.
#pragma once

#include <string>

#include "core/errors.hpp"

namespace drover {

/// The header a standby manager process's answers carry: the leader's
/// REST URL (http://host:port), for clients and load balancers to follow.
inline constexpr const char* leader_header = "X-Drover-Leader";

/// The HTTP status for an error code: 404 unknown job/task, 400 bad input,
/// 422 invalid rules, 409 conflicts, 503 unavailable, 500 otherwise.
int http_status(ec code);

/// {"error": name, "detail": detail} as JSON text (always valid UTF-8).
std::string error_body(const std::string& name, const std::string& detail);

/// The body for `err`: its code's name and message; for ec::invalid_rules
/// also "errors": [one entry per line of the message].
std::string error_body(const error& err);

} // namespace drover
