// --http and friends as server options (http/http_flags.hpp).
#include "http/http_flags.hpp"

namespace drover {

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
