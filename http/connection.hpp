// Internal to http/connection*.cpp: one client connection of http_server,
// plain or TLS, as a state machine on its own strand: read a head (bounded
// in bytes, fields and time), check it, read the body (bounded likewise),
// hand the request to a worker, write the answer, then wait (bounded) for
// the next request. The connection keeps reading while a worker or a
// deferred reply has the request, so a client that leaves is noticed; it
// never holds a thread while it waits. Its parts, one file each:
//   connection.cpp        its life: start (TLS sniffing), timers, refusals of a slot
//   connection_read.cpp   reading a request's head and body
//   connection_route.cpp  handing it to a route thread; parked (deferred) replies
//   connection_write.cpp  writing answers, lingering, closing
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "http/deferred_reply.hpp"
#include "http/request_head.hpp"
#include "http/server_core.hpp"
#include "http/wire.hpp"

namespace drover {

/// Bytes a connection buffers while it does not need them (a request with
/// a worker, pipelined requests); past it, it stops reading.
inline constexpr std::size_t max_buffered = std::size_t{64} << 10;
/// After an answer that ends the connection: how long and how much of what
/// the client still sends is read and dropped before closing, so a close
/// with unread bytes (a reset) does not destroy the answer in flight.
inline constexpr auto linger_time = std::chrono::milliseconds(1000);
inline constexpr std::size_t linger_bytes = std::size_t{1} << 20;
/// A body may take body_timeout plus one second per this many bytes.
inline constexpr std::size_t body_bytes_per_second = std::size_t{64} << 10;

/// A client's byte stream: the TCP socket, or TLS over it.
class byte_stream {
public:
  explicit byte_stream(tcp::socket sock) : plain_(std::move(sock)) {}
  byte_stream(tcp::socket sock, asio::ssl::context& ctx)
    : plain_(sock.get_executor()),
      tls_(std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(sock), ctx)) {}

  bool tls() const { return tls_ != nullptr; }
  /// The TCP layer (under TLS, if any).
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : plain_; }
  asio::ssl::stream<tcp::socket>& tls_stream() { return *tls_; }

  template <class Handler>
  void read_some(asio::mutable_buffer buf, Handler&& h) {
    if (tls_)
      tls_->async_read_some(buf, std::forward<Handler>(h));
    else
      plain_.async_read_some(buf, std::forward<Handler>(h));
  }

  /// Writes all of `buf`.
  template <class Handler>
  void write(asio::const_buffer buf, Handler&& h) {
    if (tls_)
      asio::async_write(*tls_, buf, std::forward<Handler>(h));
    else
      asio::async_write(plain_, buf, std::forward<Handler>(h));
  }

private:
  tcp::socket plain_; ///< the socket; unused (closed) under TLS, which owns it
  std::unique_ptr<asio::ssl::stream<tcp::socket>> tls_;
};

class connection : public std::enable_shared_from_this<connection> {
public:
  using error_code = boost::system::error_code;
  using clock = std::chrono::steady_clock;

  /// `holds_slot`: it holds a connection slot (given back when it closes);
  /// otherwise it is a refusal being answered.
  connection(server_core& core, byte_stream stream, std::string peer, bool holds_slot);
  ~connection();

  /// Serves requests until the client or a limit ends the connection.
  void start();
  /// Answers `status` (429/503: no slot) without reading a request, then closes.
  void refuse(int status);

private:
  enum class phase { handshake, idle, head, body, busy, parked, writing, closing, closed };

  // connection.cpp: timers
  void arm(clock::duration d) { arm_at(clock::now() + d); }
  void arm_at(clock::time_point t);
  void disarm();
  void on_deadline();

  // connection_read.cpp
  void read_more();
  void on_read(const error_code& ec, std::size_t n);
  void on_peer_closed();
  void process_input();
  void on_head();
  void take_body();

  // connection_route.cpp
  void dispatch();
  void on_routed(http_response res);
  void park(std::shared_ptr<deferred_reply> d);
  void on_parked_answer(http_response res);

  // connection_write.cpp
  void refuse_plain_http();
  void drain_plain();
  void refuse_request(const refusal& r);
  void respond(http_response res);
  void on_written(const error_code& ec);
  void begin_request(bool first);
  void linger();
  void close_now();

  server_core& core_;
  byte_stream stream_;
  asio::steady_timer timer_;
  std::string peer_;
  bool holds_slot_;
  phase phase_ = phase::idle;
  unsigned timer_gen_ = 0;
  std::array<char, 16384> buf_;
  std::string in_;              ///< read, not yet consumed
  bool reading_ = false;
  bool peer_closed_ = false;
  std::size_t lingered_ = 0;
  head_scanner scanner_;
  http_request req_;
  framing framing_;
  std::size_t reserved_ = 0;    ///< body budget this connection holds
  bool head_only_ = false;
  bool close_after_ = false;
  std::string out_;
  std::shared_ptr<deferred_reply> parked_;
  std::size_t served_ = 0;
  clock::time_point accepted_;
  bool continuing_ = false;              ///< a 100 Continue is being written
  std::optional<http_response> held_;    ///< an answer waiting for it
};

} // namespace drover
