// Bearer-token checks (http/auth.hpp).
#include "http/auth.hpp"

#include <cctype>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "http/routes.hpp"

namespace drover {

namespace {

/// Compares the SHA-256 digests of both in constant time: the time taken
/// tells neither how much of a guess was right nor the token's length.
bool same_secret(const std::string& given, const std::string& want) {
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(want.data()), want.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

} // namespace

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
