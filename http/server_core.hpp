// Internal to http/server*.cpp and http/connection*.cpp: what every
// connection of one http_server shares (options, routes, the worker pool,
// connection slots, the TLS context), and the Asio names they use. Only
// these files include Boost.Asio.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "http/client_slots.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/route_threads.hpp"

namespace drover {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// Lets other threads post to the event loop only while it exists: a
/// deferred reply completed during or after stop() must not touch a
/// destroyed io_context.
class post_gate {
public:
  /// Runs `f` (which posts to the loop) only while the loop exists.
  template <class F>
  void run(F&& f) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (open_)
      f();
  }
  void close() {
    std::lock_guard<std::mutex> guard{mtx_};
    open_ = false;
  }

private:
  std::mutex mtx_;
  bool open_ = true;
};

struct server_core {
  http_server_options opts;
  router routes;
  client_slots slots;
  std::unique_ptr<asio::ssl::context> tls; ///< null: plain HTTP
  route_threads* pool = nullptr;             ///< set by serve()
  std::shared_ptr<post_gate> gate = std::make_shared<post_gate>();
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> refusing{0};    ///< refused connections still being answered
  std::atomic<std::size_t> body_bytes{0};  ///< body bytes reserved by connections

  explicit server_core(http_server_options o)
    : opts(std::move(o)), slots(opts.max_connections, opts.max_per_client) {}

  /// Reserves `n` bytes of the body budget; false if they do not fit now.
  bool reserve_body(std::size_t n);
  void release_body(std::size_t n) { body_bytes -= n; }
};

/// Serves the accepted `sock` from `peer` (its address) until it closes.
/// `slot`: it holds a connection slot (given back when it closes); without
/// one it is answered `refused` (429 or 503) and closed.
void start_connection(server_core& core, tcp::socket sock, std::string peer, int refused_status);

} // namespace drover
