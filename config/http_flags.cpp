// --http and friends (config/http_flags.hpp).
#include "config/http_flags.hpp"

#include <CLI/CLI.hpp>

namespace drover {

CLI::Validator non_empty_token() {
  return CLI::Validator(
    [](std::string& v) {
      return v.empty() ? std::string{"is empty; give a token, or leave --token out for an "
                                     "open API"}
                       : std::string{};
    },
    "", "non-empty");
}

void add_http_flags(CLI::App& app, http_flags& f) {
  auto* group = "REST API (manager)";
  app.add_option("--http", f.listen, "HOST:PORT of the REST API, or off")
    ->capture_default_str()->group(group);
  // The sign is checked before AsSizeValue, which reads "-1" as 2^64-1.
  app.add_option("--max-body", f.max_body, "largest request body, e.g. 16MiB, 512k (at most 1GiB)")
    ->check(CLI::Validator([](std::string& v) {
              return !v.empty() && v[0] == '-' ? std::string{"must not be negative"} : std::string{};
            }, "", "non-negative"))
    ->transform(CLI::AsSizeValue(false))->capture_default_str()->group(group);
  app.add_option("--max-tasks", f.max_tasks, "most tasks in one submitted job (at most 100000000)")
    ->capture_default_str()->group(group);
  app.add_option("--token", f.token, "bearer token every /v1 call must send")
    ->check(non_empty_token())->group(group);
  app.add_option("--http-tls-cert", f.tls_cert,
                 "PEM certificate (chain): serve the REST API and dashboard over HTTPS")
    ->group(group);
  app.add_option("--http-tls-key", f.tls_key, "PEM private key of --http-tls-cert")->group(group);
  app.add_option("--http-max-connections", f.max_connections,
                 "REST connections open at once; past it a client gets 503")
    ->capture_default_str()->group(group);
  app.add_option("--http-max-per-client", f.max_per_client,
                 "REST connections from one client address; past it 429")
    ->capture_default_str()->group(group);
}

} // namespace drover
