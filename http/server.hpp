// The REST server of DESIGN.md §8, run inside the manager process. It owns
// a cpp-httplib server and its thread pool; every request is answered on
// those threads by calling an http_backend (which may block), so callers'
// threads, CAF's scheduler included, never serve a request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/errors.hpp"
#include "http/backend.hpp"

namespace drover {

struct http_server_options {
  std::size_t max_body = std::size_t{16} << 20; ///< bytes; larger bodies get 413
  std::size_t max_tasks = 1'000'000;  ///< tasks per job; more get 413
  std::string token;                  ///< bearer token for /v1 and /metrics; empty: open
  std::size_t threads = 0;            ///< request threads; 0: cpp-httplib's default (>= 8)
};

class http_server {
public:
  /// REQUIRES: `backend` outlives this server.
  explicit http_server(http_backend& backend, http_server_options opts = {});
  /// A server whose backend comes later, in serve(): bind the port first,
  /// before anything else of the process listens, then serve.
  explicit http_server(http_server_options opts);
  /// Stops the server if it runs.
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds `host:port` (port 0: the OS picks a free one, see port()) and
  /// serves on the server's own threads; returns once it accepts requests.
  /// ec::bad_input if the address cannot be bound or start ran before.
  error start(const std::string& host, uint16_t port);

  /// The two halves of start(): bind() takes the port (connections wait in
  /// the backlog; ec::bad_input if it is in use), serve() answers them with
  /// `backend`, which must outlive this server.
  error bind(const std::string& host, uint16_t port);
  error serve(http_backend& backend);

  /// The bound port; 0 before start().
  uint16_t port() const;

  /// Stops accepting, waits for requests in flight (each bounded by the
  /// backend's own timeout), joins every thread. Safe to call twice.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace drover
