// Responses as bytes on the wire (HTTP/1.1), and the JSON answers the
// server gives by itself (refusals before any route runs).
#pragma once

#include <string>

#include "http/message.hpp"
#include "http/request_head.hpp"

namespace drover {

/// Status line, headers (plus Content-Length, and Connection: close when
/// `close`), blank line and, unless `head_only` (a HEAD request), the body.
std::string to_wire(const http_response& res, bool head_only, bool close);

/// The reason phrase of `status` ("Not Found"); "Unknown" for one not listed.
const char* reason_phrase(int status);

/// A JSON error response for `r`; Retry-After: 1 on 429 and 503.
http_response refusal_response(const refusal& r);

} // namespace drover
