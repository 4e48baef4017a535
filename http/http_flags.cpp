// --http and friends (http/http_flags.hpp).
#include "http/http_flags.hpp"

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
  app.add_option("--token", f.token, "bearer token every /v1 call must send (default $DROVER_TOKEN)")
    ->envname("DROVER_TOKEN")->check(non_empty_token())->group(group);
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

error resolve_http_flags(const http_flags& f, bool& enabled, endpoint& where,
                         http_server_options& opts) {
  enabled = f.listen != "off";
  if (!enabled)
    return {};
  auto parsed = parse_endpoint(f.listen, true);
  if (!parsed)
    return {ec::bad_input, "--http: " + parsed.err().message + " (or --http=off)"};
  where = *parsed;
  // A body is held whole in memory while it is read; a job's tasks too.
  if (f.max_body == 0 || f.max_body > max_body_limit)
    return {ec::bad_input, "--max-body: " + std::to_string(f.max_body)
                             + " bytes is out of range; use 1 byte to 1GiB"};
  if (f.max_tasks == 0 || f.max_tasks > max_tasks_limit)
    return {ec::bad_input, "--max-tasks: " + std::to_string(f.max_tasks)
                             + " is out of range; use 1 to " + std::to_string(max_tasks_limit)};
  if (f.max_connections == 0 || f.max_connections > max_connections_limit)
    return {ec::bad_input, "--http-max-connections: " + std::to_string(f.max_connections)
                             + " is out of range; use 1 to " + std::to_string(max_connections_limit)};
  if (f.max_per_client == 0 || f.max_per_client > f.max_connections)
    return {ec::bad_input, "--http-max-per-client: " + std::to_string(f.max_per_client)
                             + " is out of range; use 1 to --http-max-connections ("
                             + std::to_string(f.max_connections) + ")"};
  // The files themselves are read by the server's bind(), before it binds.
  if (f.tls_cert.empty() != f.tls_key.empty())
    return {ec::bad_input, f.tls_cert.empty() ? "--http-tls-key needs --http-tls-cert"
                                              : "--http-tls-cert needs --http-tls-key"};
  opts.max_body = f.max_body;
  opts.max_tasks = f.max_tasks;
  opts.token = f.token;
  opts.tls_cert = f.tls_cert;
  opts.tls_key = f.tls_key;
  opts.max_connections = f.max_connections;
  opts.max_per_client = f.max_per_client;
  return {};
}

} // namespace drover
