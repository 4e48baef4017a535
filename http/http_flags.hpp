// The flags of the REST server for `drover run` (--http, --max-body,
// --max-tasks, --token / DROVER_TOKEN, --http-tls-cert/--http-tls-key and
// the connection limits), kept next to the server they configure;
// main/app call add_http_flags and resolve_http_flags.
#pragma once

#include <cstddef>
#include <string>

#include "config/options.hpp"
#include "core/errors.hpp"
#include "http/server.hpp"

namespace CLI {
class App;
class Validator;
}

namespace drover {

struct http_flags {
  std::string listen = "127.0.0.1:8080"; ///< --http: HOST:PORT (port 0: any) or "off"
  std::size_t max_body = std::size_t{16} << 20;
  std::size_t max_tasks = 1'000'000;
  std::string token;                     ///< --token, else $DROVER_TOKEN
  std::string tls_cert;                  ///< --http-tls-cert (config http_tls_cert)
  std::string tls_key;                   ///< --http-tls-key (config http_tls_key)
  std::size_t max_connections = 1024;    ///< --http-max-connections
  std::size_t max_per_client = 128;      ///< --http-max-per-client
};

/// Upper bound of --http-max-connections (each costs a file descriptor).
constexpr std::size_t max_connections_limit = 100'000;

/// Upper bounds of --max-body and --max-tasks.
constexpr std::size_t max_body_limit = std::size_t{1} << 30;
constexpr std::size_t max_tasks_limit = 100'000'000;

/// A CLI11 check that refuses an empty --token (an unset variable in
/// `--token=$T` would otherwise open the API silently).
CLI::Validator non_empty_token();

/// Adds --http, --max-body (accepts 16MiB, 512k, ...), --max-tasks,
/// --token (falls back to $DROVER_TOKEN), --http-tls-cert, --http-tls-key,
/// --http-max-connections and --http-max-per-client to `app`, bound to
/// `flags` (whose values, e.g. from the config file, are the defaults).
void add_http_flags(CLI::App& app, http_flags& flags);

/// What the flags ask for: `enabled` false for --http=off; otherwise the
/// endpoint to bind and the server options. ec::bad_input naming the flag.
error resolve_http_flags(const http_flags& flags, bool& enabled, endpoint& where,
                         http_server_options& opts);

} // namespace drover
