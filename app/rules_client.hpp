// `drover rules apply FILE --manager=HOST:PORT` and `drover rules get
// --manager=HOST:PORT`: the CAF path to the manager's rule set (the HTTP path
// is PUT/GET /v1/rules). HOST:PORT is where the cluster's registry listens;
// the registry forwards to the manager, which answers directly. When the
// registry or the manager is not there (restarting), the client connects
// again with backoff (core/backoff) for up to `reconnect` (0: keep trying).
// With certificates in `who.tls` the link is mutual TLS; `who.token` is
// checked by the registry when the cluster runs with --token.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

#include "core/tls_files.hpp"

namespace drover {

/// How the CAF client proves who it is.
struct admin_identity {
  tls_files tls;     ///< --tls-cert, --tls-key, --tls-ca; none: plain TCP
  std::string token; ///< --token, else $DROVER_TOKEN
};

/// Validates FILE locally first (exit 2 with every "file:line:col: ..." when
/// it is bad), then sends its text; prints the set now in force. Exit codes:
/// 0 applied, 1 the manager refused it or stayed unreachable past
/// `reconnect`, 2 a bad file.
int apply_rules_remote(const std::string& file, const std::string& manager,
                       const admin_identity& who,
                       std::chrono::milliseconds timeout, std::chrono::milliseconds reconnect,
                       std::ostream& out, std::ostream& err);

/// Prints the rule set in force (source, version, hash, then the YAML).
int get_rules_remote(const std::string& manager, const admin_identity& who,
                     std::chrono::milliseconds timeout,
                     std::chrono::milliseconds reconnect, std::ostream& out, std::ostream& err);

} // namespace drover
