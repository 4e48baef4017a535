// The REST server of DESIGN.md §8, run inside the manager process: an event
// loop (Boost.Asio) that only reads, writes and accepts, and a small pool of
// worker threads that run the routes (which may block on the backend). A
// slow or idle client costs a socket and a few KiB, never a thread; limits
// on time, size and connections per client bound what it can hold. HTTPS
// with --http-tls-cert/--http-tls-key. Routes: http/routes*.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/errors.hpp"
#include "http/backend.hpp"
#include "http/message.hpp"

namespace drover {

struct http_server_options {
  std::size_t max_body = std::size_t{16} << 20; ///< bytes; larger bodies get 413
  std::size_t max_tasks = 1'000'000;  ///< tasks per job; more get 413
  std::string token;                  ///< bearer token for /v1 and /metrics; empty: open
  std::size_t threads = 0;            ///< threads running routes; 0: 8
  std::string tls_cert;               ///< PEM certificate (chain): serve HTTPS; with tls_key
  std::string tls_key;                ///< PEM private key of tls_cert
  std::size_t max_connections = 1024; ///< open connections in all; past it 503 and close
  std::size_t max_per_client = 128;   ///< open connections from one address; past it 429
  /// From accept (or a later request's first byte) to the end of its head,
  /// TLS handshake included; past it 408 and close.
  std::chrono::milliseconds header_timeout{10'000};
  /// For the body: this plus 1 s per 64 KiB of its Content-Length; past it 408.
  std::chrono::milliseconds body_timeout{10'000};
  std::chrono::milliseconds idle_timeout{5'000};   ///< keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000}; ///< to write one response
  std::chrono::milliseconds max_park{300'000};     ///< longest a deferred reply may wait
  std::size_t max_requests_per_connection = 1000;  ///< then the connection closes
  /// Bytes of request bodies held at once by all connections; past it 503.
  /// 0: 256 MiB or max_body, whichever is larger.
  std::size_t max_body_bytes_in_flight = 0;
  /// Runs before the routes on the route threads (so it must be
  /// thread-safe and must not throw); true: it answered `res` and no route
  /// runs. A standby manager process answers everything this way (503
  /// naming the leader). Null: every request goes to the routes.
  std::function<bool(const http_request&, http_response&)> gate;
};

class http_server {
public:
  /// REQUIRES: every backend in `backends` outlives this server.
  explicit http_server(http_backends backends, http_server_options opts = {});
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

  /// The two halves of start(): bind() checks the TLS files and takes the
  /// port (connections wait in the backlog; ec::bad_input naming what to
  /// fix), serve() answers them with `backends`, which must outlive this server.
  error bind(const std::string& host, uint16_t port);
  error serve(http_backends backends);

  /// Serves `backends` instead of those serve() was given: a
  /// standby manager process serves with no backends behind its gate and
  /// swaps them in once it leads. REQUIRES: serve() ran, and the gate
  /// answers every request until this returned (the routes are not locked).
  error serve_more(http_backends backends);

  /// Adds a route besides the API's own (a test's, say), behind the same
  /// token check. REQUIRES: before serve() or start().
  void add_route(const std::string& method, const std::string& pattern, http_handler handler);

  /// The bound port; 0 before start().
  uint16_t port() const;
  /// True when it serves HTTPS.
  bool tls() const;

  /// Stops accepting, waits for requests in flight (each bounded by the
  /// backends' own timeouts), closes every connection (parked ones too), and
  /// joins every thread. Safe to call twice.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace drover
