// Bearer-token checks (http/auth.hpp).
#include "http/auth.hpp"

#include <cctype>

#include "core/tls_files.hpp"
#include "http/routes.hpp"

namespace drover {

bool needs_token(const std::string& path) {
  return path == "/metrics" || path == "/v1" || path.rfind("/v1/", 0) == 0;
}

bool may_access(const http_request& req, const std::string& token) {
  if (token.empty() || !needs_token(req.path))
    return true;
  auto header = req.get_header_value("Authorization");
  const std::string scheme = "bearer ";
  if (header.size() < scheme.size())
    return false;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i])
      return false;
  return same_secret(header.substr(scheme.size()), token);
}

void reply_unauthorized(http_response& res) {
  res.set_header("WWW-Authenticate", "Bearer");
  reply_error(res, 401, "unauthorized",
              "this server needs 'Authorization: Bearer TOKEN' (drover: --token or DROVER_TOKEN)");
}

} // namespace drover
