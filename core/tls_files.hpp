// The certificate files of mutual TLS on node links (--tls-cert, --tls-key,
// --tls-ca), checked before anything listens or connects, and a throw-away
// PKI for a test cluster (`drover certs init DIR`). No CAF here: libssl.
#pragma once

#include <string>
#include <vector>

#include "core/errors.hpp"

namespace drover {

struct tls_files {
  std::string cert; ///< this node's certificate (PEM), signed by `ca`
  std::string key;  ///< its private key (PEM, unencrypted)
  std::string ca;   ///< the cluster's CA certificate (PEM): peers must be signed by it

  /// Any of the three given: TLS is wanted (check_tls_files wants all three).
  bool any() const { return !cert.empty() || !key.empty() || !ca.empty(); }
};

/// All three files given and readable, the key belongs to the certificate
/// and the certificate is signed by the CA (and valid now). The error names
/// the flag, the file and what to fix. Nothing given: no error.
[[nodiscard]] error check_tls_files(const tls_files& files);

/// Writes ca.pem and ca.key, then NODE.pem and NODE.key for each name in
/// `nodes`, signed by that CA, into `dir` (created if missing). Keys are
/// written with mode 0600. An existing CA in `dir` is reused, so more
/// nodes can be added later; an existing node file is refused.
[[nodiscard]] error make_test_pki(const std::string& dir, const std::vector<std::string>& nodes,
                                  int valid_days);

/// Compares two secrets in constant time: neither where a guess differs
/// nor the secret's length shows (REST's bearer token, the token on rules
/// over CAF).
bool same_secret(const std::string& given, const std::string& expected);

} // namespace drover
