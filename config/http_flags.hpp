// The REST server's flags of `drover run` (--http, --max-body, --max-tasks,
// --token, --http-tls-cert/--http-tls-key and the connection limits): the
// struct and the CLI11 options, here with the other flags so that the
// config file and DROVER_* variables resolve them like any flag
// (config/flag_layers.hpp). http/http_flags.hpp turns them into server
// options.
#pragma once

#include <cstddef>
#include <string>

namespace CLI {
class App;
class Validator;
}

namespace drover {

struct http_flags {
  std::string listen = "127.0.0.1:8080"; ///< --http: HOST:PORT (port 0: any) or "off"
  std::size_t max_body = std::size_t{16} << 20;
  std::size_t max_tasks = 1'000'000;
  std::string token;                     ///< --token, else DROVER_TOKEN, else the file
  std::string tls_cert;                  ///< --http-tls-cert
  std::string tls_key;                   ///< --http-tls-key
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
/// --token, --http-tls-cert, --http-tls-key, --http-max-connections and
/// --http-max-per-client to `app`, bound to `flags`.
void add_http_flags(CLI::App& app, http_flags& flags);

} // namespace drover
