// Flags of mutual TLS on node links: --tls-cert, --tls-key, --tls-ca (on
// `drover run` and on the CAF client commands) and --insecure. The files
// are checked by check_tls_files (core/tls_files.cpp) before anything
// listens.
#include <CLI/CLI.hpp>

#include "config/options.hpp"

namespace drover {

namespace {

CLI::Validator given_path(const char* flag) {
  return CLI::Validator(
    [flag](std::string& v) {
      return v.empty() ? std::string{"is empty; give a PEM file, or leave "} + flag + " out"
                       : std::string{};
    },
    "", "non-empty");
}

} // namespace

void add_tls_flags(CLI::App& app, tls_files& files) {
  auto* group = "Mutual TLS between nodes";
  app.add_option("--tls-cert", files.cert,
                 "this node's certificate (PEM), signed by --tls-ca; with it every node link "
                 "is TLS and peers must show a certificate of the same CA")
    ->check(given_path("--tls-cert"))->group(group);
  app.add_option("--tls-key", files.key, "the private key of --tls-cert (PEM, unencrypted)")
    ->check(given_path("--tls-key"))->group(group);
  app.add_option("--tls-ca", files.ca, "the cluster's CA certificate (PEM); see drover certs init")
    ->check(given_path("--tls-ca"))->group(group);
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

} // namespace drover
