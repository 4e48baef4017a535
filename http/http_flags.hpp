// The flags of the REST server for `drover run` (--http, --max-body,
// --max-tasks, --token / DROVER_TOKEN), kept next to the server they
// configure; main/app call add_http_flags and resolve_http_flags.
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
};

/// Upper bounds of --max-body and --max-tasks.
constexpr std::size_t max_body_limit = std::size_t{1} << 30;
constexpr std::size_t max_tasks_limit = 100'000'000;

/// A CLI11 check that refuses an empty --token (an unset variable in
/// `--token=$T` would otherwise open the API silently).
CLI::Validator non_empty_token();

/// Adds --http, --max-body (accepts 16MiB, 512k, ...), --max-tasks and
/// --token (falls back to $DROVER_TOKEN) to `app`, bound to `flags`.
void add_http_flags(CLI::App& app, http_flags& flags);

/// What the flags ask for: `enabled` false for --http=off; otherwise the
/// endpoint to bind and the server options. ec::bad_input naming the flag.
error resolve_http_flags(const http_flags& flags, bool& enabled, endpoint& where,
                         http_server_options& opts);

} // namespace drover
