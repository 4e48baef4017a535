// One client connection of http_server, plain or TLS, as a state machine on
// its own strand: read a head (bounded in bytes, fields and time), check it,
// read the body (bounded likewise), hand the request to a worker, write the
// answer, then wait (bounded) for the next request. The connection keeps
// reading while a worker or a deferred reply has the request, so a client
// that leaves is noticed; it never holds a thread while it waits.
#include <algorithm>
#include <array>
#include <optional>
#include <type_traits>
#include <utility>

#include "http/auth.hpp"
#include "http/deferred_reply.hpp"
#include "http/request_head.hpp"
#include "http/server_core.hpp"
#include "http/wire.hpp"

namespace drover {

bool server_core::reserve_body(std::size_t n) {
  std::size_t limit = opts.max_body_bytes_in_flight != 0
                        ? opts.max_body_bytes_in_flight
                        : std::max(std::size_t{256} << 20, opts.max_body);
  auto now = body_bytes.load();
  do {
    if (n > limit || now > limit - n)
      return false;
  } while (!body_bytes.compare_exchange_weak(now, now + n));
  return true;
}

namespace {

using error_code = boost::system::error_code;
using clock = std::chrono::steady_clock;

/// Bytes a connection buffers while it does not need them (a request with
/// a worker, pipelined requests); past it, it stops reading.
constexpr std::size_t max_buffered = std::size_t{64} << 10;
/// After an answer that ends the connection: how long and how much of what
/// the client still sends is read and dropped before closing, so a close
/// with unread bytes (a reset) does not destroy the answer in flight.
constexpr auto linger_time = std::chrono::milliseconds(1000);
constexpr std::size_t linger_bytes = std::size_t{1} << 20;
/// A body may take body_timeout plus one second per this many bytes.
constexpr std::size_t body_bytes_per_second = std::size_t{64} << 10;

template <class Stream>
class connection : public std::enable_shared_from_this<connection<Stream>> {
public:
  connection(server_core& core, Stream stream, std::string peer, bool holds_slot)
    : core_(core), stream_(std::move(stream)), timer_(stream_.get_executor()),
      peer_(std::move(peer)), holds_slot_(holds_slot), accepted_(clock::now()) {}

  ~connection() {
    if (parked_)
      parked_->abandon();
    core_.release_body(reserved_);
    if (holds_slot_)
      core_.slots.give_back(peer_);
    else
      --core_.refusing;
  }

  void start() {
    if constexpr (is_tls) {
      phase_ = phase::handshake;
      arm(core_.opts.header_timeout);
      // Look at the first byte before the handshake: a TLS record starts
      // with 0x16, a plain HTTP request with a method's capital letter. The
      // latter gets a 400 saying to use https:// instead of a dead socket.
      stream_.next_layer().async_wait(
        tcp::socket::wait_read, [self = this->shared_from_this()](const error_code& ec) {
          if (ec || self->phase_ == phase::closed)
            return self->close_now();
          unsigned char first = 0;
          error_code peek;
          auto n = self->stream_.next_layer().receive(asio::buffer(&first, 1),
                                                      tcp::socket::message_peek, peek);
          if (!peek && n == 1 && first >= 'A' && first <= 'Z')
            return self->refuse_plain_http();
          self->stream_.async_handshake(asio::ssl::stream_base::server,
                                        [self](const error_code& e) {
                                          if (e || self->phase_ == phase::closed)
                                            return self->close_now();
                                          self->begin_request(true);
                                        });
        });
    } else {
      begin_request(true);
    }
  }

  /// Answers `status` (429/503: no slot) without reading a request, then closes.
  void refuse(int status) {
    close_after_ = true;
    respond(refusal_response(
      status == 429 ? refusal{429, "too_many_connections",
                              "this client address has " + std::to_string(core_.opts.max_per_client)
                                + " connections open already (--http-max-per-client); "
                                  "reuse or close one"}
                    : refusal{503, "server_full",
                              "the server has " + std::to_string(core_.opts.max_connections)
                                + " connections open (--http-max-connections); retry later"}));
  }

private:
  static constexpr bool is_tls = !std::is_same_v<Stream, tcp::socket>;
  enum class phase { handshake, idle, head, body, busy, parked, writing, closing, closed };

  // -- timers --------------------------------------------------------------------

  void arm(clock::duration d) { arm_at(clock::now() + d); }
  void arm_at(clock::time_point t) {
    auto gen = ++timer_gen_;
    timer_.expires_at(t);
    timer_.async_wait([self = this->shared_from_this(), gen](const error_code& ec) {
      if (!ec && gen == self->timer_gen_)
        self->on_deadline();
    });
  }
  void disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  void on_deadline() {
    switch (phase_) {
      case phase::head:
        return refuse_request({408, "request_timeout",
                               "the request head did not arrive within "
                                 + std::to_string(core_.opts.header_timeout.count()) + " ms"});
      case phase::body:
        return refuse_request({408, "request_timeout", "the body did not arrive in time ("
                                                         + std::to_string(framing_.content_length)
                                                         + " bytes announced)"});
      case phase::parked:
        if (auto res = parked_->expire()) {
          parked_.reset();
          respond(std::move(*res));
        }
        return;
      case phase::busy: return;
      default: return close_now(); // idle, handshake, writing, closing: nothing to say
    }
  }

  // -- reading -------------------------------------------------------------------

  void read_more() {
    if (reading_ || peer_closed_ || phase_ == phase::closed)
      return;
    bool waiting_on_us = phase_ == phase::busy || phase_ == phase::parked
                         || phase_ == phase::writing;
    if (waiting_on_us && in_.size() >= max_buffered)
      return; // enough buffered; read again once the answer is out
    reading_ = true;
    stream_.async_read_some(asio::buffer(buf_),
                            [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(const error_code& ec, std::size_t n) {
    reading_ = false;
    if (phase_ == phase::closed)
      return;
    if (ec) {
      peer_closed_ = true;
      return on_peer_closed();
    }
    if (phase_ == phase::closing) {
      lingered_ += n;
      return lingered_ > linger_bytes ? close_now() : read_more();
    }
    in_.append(buf_.data(), n);
    process_input();
  }

  void on_peer_closed() {
    switch (phase_) {
      case phase::parked: // a long-poll client that left: let complete() say so
        parked_->abandon();
        parked_.reset();
        return close_now();
      case phase::busy:
      case phase::writing: // answer what was asked, then close
        close_after_ = true;
        return;
      default: return close_now();
    }
  }

  void process_input() {
    if (phase_ == phase::idle) {
      auto start = in_.find_first_not_of("\r\n"); // stray line ends between requests
      in_.erase(0, start == std::string::npos ? in_.size() : start);
      if (in_.empty())
        return read_more();
      phase_ = phase::head;
      if (served_ > 0)
        arm(core_.opts.header_timeout);
    }
    if (phase_ == phase::head) {
      auto state = scanner_.scan(in_);
      if (state == head_scanner::state::too_large)
        return refuse_request(head_too_large());
      if (state == head_scanner::state::more)
        return read_more();
      return on_head();
    }
    if (phase_ == phase::body)
      return take_body();
    read_more(); // busy, parked, writing: watch for a client that leaves
  }

  void on_head() {
    auto size = scanner_.size();
    auto r = parse_head(std::string_view{in_}.substr(0, size), req_, framing_);
    in_.erase(0, size);
    if (!r)
      r = check_framing(req_, framing_);
    if (r)
      return refuse_request(r);
    req_.peer = peer_;
    head_only_ = req_.method == "HEAD";
    close_after_ = !framing_.keep_alive || served_ + 1 >= core_.opts.max_requests_per_connection;
    // The token before the length: an unauthorized client learns nothing
    // of the limits, and no body of its is ever read.
    if (!may_access(req_, core_.opts.token)) {
      http_response res;
      reply_unauthorized(res);
      close_after_ = close_after_ || framing_.content_length > 0; // the body stays unread
      return respond(std::move(res));
    }
    auto length = framing_.content_length;
    if (length > core_.opts.max_body)
      return refuse_request(body_too_large(core_.opts.max_body));
    if (length > 0 && !core_.reserve_body(length))
      return refuse_request({503, "overloaded", "too many request bodies are being received; "
                                                "retry later"});
    reserved_ = length;
    phase_ = phase::body;
    arm(core_.opts.body_timeout + std::chrono::seconds(length / body_bytes_per_second));
    req_.body.reserve(length);
    if (framing_.expect_continue && in_.size() < length) {
      static const std::string go_on = "HTTP/1.1 100 Continue\r\n\r\n";
      continuing_ = true;
      asio::async_write(stream_, asio::buffer(go_on),
                        [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                          self->continuing_ = false;
                          if (ec)
                            return self->close_now();
                          if (self->held_)
                            self->respond(std::move(*std::exchange(self->held_, std::nullopt)));
                        });
    }
    take_body();
  }

  void take_body() {
    auto want = framing_.content_length - req_.body.size();
    auto n = std::min(want, in_.size());
    req_.body.append(in_, 0, n);
    in_.erase(0, n);
    if (req_.body.size() < framing_.content_length)
      return read_more();
    dispatch();
  }

  // -- routing -------------------------------------------------------------------

  void dispatch() {
    phase_ = phase::busy;
    disarm();
    auto self = this->shared_from_this();
    auto job = [self, req = std::move(req_)]() mutable {
      http_response res;
      self->core_.routes.dispatch(req, res);
      req = http_request{}; // the body's memory goes before the budget is given back
      asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
        self->on_routed(std::move(res));
      });
    };
    req_ = http_request{};
    if (!core_.pool->submit(std::move(job)))
      on_routed(refusal_response({503, "unavailable", "the server is stopping"}));
    read_more();
  }

  void on_routed(http_response res) {
    core_.release_body(reserved_);
    reserved_ = 0;
    if (phase_ == phase::closed)
      return;
    if (!res.deferred)
      return respond(std::move(res));
    park(std::move(res.deferred));
  }

  void park(std::shared_ptr<deferred_reply> d) {
    phase_ = phase::parked;
    parked_ = std::move(d);
    std::weak_ptr<connection> weak = this->shared_from_this();
    // Holds no executor and no strong reference: whoever keeps the reply
    // may keep it past the connection, or past the server.
    auto early = parked_->attach([weak, gate = core_.gate](http_response res) {
      gate->run([&] {
        if (auto self = weak.lock())
          asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
            self->on_parked_answer(std::move(res));
          });
      });
    });
    if (early)
      return on_parked_answer(std::move(*early));
    auto cap = clock::now() + core_.opts.max_park;
    arm(std::min(parked_->deadline(), cap) - clock::now());
    read_more();
  }

  void on_parked_answer(http_response res) {
    if (phase_ != phase::parked)
      return;
    parked_.reset();
    respond(std::move(res));
  }

  // -- writing and closing -------------------------------------------------------

  /// Plain HTTP on the HTTPS port: a 400 in plain text, then a lingering
  /// close, both on the TCP socket under the TLS layer.
  void refuse_plain_http() {
    phase_ = phase::writing;
    out_ = to_wire(refusal_response({400, "https_required",
                                     "this port serves HTTPS only: use https:// in the URL"}),
                   false, true);
    arm(core_.opts.write_timeout);
    asio::async_write(stream_.next_layer(), asio::buffer(out_),
                      [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                        if (ec || self->phase_ == phase::closed)
                          return self->close_now();
                        self->phase_ = phase::closing;
                        error_code ignored;
                        self->stream_.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
                        self->arm(linger_time);
                        self->drain_plain();
                      });
  }
  void drain_plain() {
    stream_.next_layer().async_read_some(
      asio::buffer(buf_), [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
        self->lingered_ += n;
        if (ec || self->phase_ == phase::closed || self->lingered_ > linger_bytes)
          return self->close_now();
        self->drain_plain();
      });
  }

  void refuse_request(const refusal& r) {
    close_after_ = true; // what follows in the stream cannot be trusted
    respond(refusal_response(r));
  }

  void respond(http_response res) {
    if (phase_ == phase::closed)
      return;
    phase_ = phase::writing;
    if (continuing_) { // one write at a time: after the 100 Continue
      held_ = std::move(res);
      return;
    }
    if (core_.stopping)
      close_after_ = true;
    out_ = to_wire(res, head_only_, close_after_);
    arm(core_.opts.write_timeout);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                        self->on_written(ec);
                      });
    read_more();
  }

  void on_written(const error_code& ec) {
    if (phase_ == phase::closed)
      return;
    if (ec)
      return close_now();
    ++served_;
    out_.clear();
    out_.shrink_to_fit();
    if (close_after_ || peer_closed_)
      return linger();
    begin_request(false);
  }

  void begin_request(bool first) {
    phase_ = phase::idle;
    scanner_ = head_scanner{};
    req_ = http_request{};
    framing_ = framing{};
    head_only_ = false;
    if (in_.capacity() > max_buffered && in_.size() < max_buffered)
      in_.shrink_to_fit();
    // The first request's clock runs from accept, TLS handshake included.
    if (first)
      arm_at(accepted_ + core_.opts.header_timeout);
    else
      arm(core_.opts.idle_timeout);
    process_input();
  }

  /// Stops sending, reads and drops what the client still sends (bounded),
  /// then closes: the answer reaches the client before the close.
  void linger() {
    phase_ = phase::closing;
    in_.clear();
    error_code ignored;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_send, ignored);
    arm(linger_time);
    read_more();
  }

  void close_now() {
    if (phase_ == phase::closed)
      return;
    phase_ = phase::closed;
    disarm();
    if (parked_) {
      parked_->abandon();
      parked_.reset();
    }
    error_code ignored;
    stream_.lowest_layer().close(ignored);
  }

  server_core& core_;
  Stream stream_;
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

} // namespace

void start_connection(server_core& core, tcp::socket sock, std::string peer, int refused_status) {
  error_code ignored;
  sock.set_option(tcp::no_delay(true), ignored);
  if (refused_status != 0) {
    // Answering costs a write and a short linger; a flood of refusals must
    // not turn into a flood of sockets, and a TLS refusal would cost a handshake.
    if (core.tls || core.refusing >= 256)
      return;
    ++core.refusing;
    auto c = std::make_shared<connection<tcp::socket>>(core, std::move(sock), std::move(peer), false);
    c->refuse(refused_status);
    return;
  }
  if (core.tls) {
    using tls_stream = asio::ssl::stream<tcp::socket>;
    std::make_shared<connection<tls_stream>>(core, tls_stream{std::move(sock), *core.tls},
                                             std::move(peer), true)
      ->start();
  } else {
    std::make_shared<connection<tcp::socket>>(core, std::move(sock), std::move(peer), true)->start();
  }
}

} // namespace drover
