// The optional bearer token of the REST API: which paths need it and
// whether a request carries it. /healthz stays open so probes need no secret.
#pragma once

#include <string>

#include "http/message.hpp"

namespace drover {

/// True for /v1 and everything under it, and /metrics.
bool needs_token(const std::string& path);

/// True if no token is configured, the path is open, or the request says
/// "Authorization: Bearer <token>" (scheme in any case). The server asks
/// once the head is read, before any body byte. The token is compared in
/// constant time, whatever its length or the guess's.
bool may_access(const http_request& req, const std::string& token);

/// The 401 answer: JSON error body plus "WWW-Authenticate: Bearer".
void reply_unauthorized(http_response& res);

} // namespace drover
