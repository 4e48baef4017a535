// A connection's life (http/connection.hpp): start, with TLS sniffing and
// the handshake; its one timer, whose deadline means something different
// in each phase; and start_connection(), which the accept loop calls.
#include "http/connection.hpp"

namespace drover {

connection::connection(server_core& core, byte_stream stream, std::string peer, bool holds_slot)
  : core_(core), stream_(std::move(stream)), timer_(stream_.socket().get_executor()),
    peer_(std::move(peer)), holds_slot_(holds_slot), accepted_(clock::now()) {}

connection::~connection() {
  if (parked_)
    parked_->abandon();
  core_.release_body(reserved_);
  if (holds_slot_)
    core_.slots.give_back(peer_);
  else
    --core_.refusing;
}

void connection::start() {
  if (!stream_.tls())
    return begin_request(true);
  phase_ = phase::handshake;
  arm(core_.opts.header_timeout);
  // Look at the first byte before the handshake: a TLS record starts with
  // 0x16, a plain HTTP request with a method's capital letter. The latter
  // gets a 400 saying to use https:// instead of a dead socket.
  stream_.socket().async_wait(
    tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
      if (ec || self->phase_ == phase::closed)
        return self->close_now();
      unsigned char first = 0;
      error_code peek;
      auto n = self->stream_.socket().receive(asio::buffer(&first, 1),
                                              tcp::socket::message_peek, peek);
      if (!peek && n == 1 && first >= 'A' && first <= 'Z')
        return self->refuse_plain_http();
      self->stream_.tls_stream().async_handshake(asio::ssl::stream_base::server,
                                                 [self](const error_code& e) {
                                                   if (e || self->phase_ == phase::closed)
                                                     return self->close_now();
                                                   self->begin_request(true);
                                                 });
    });
}

void connection::refuse(int status) {
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

void connection::arm_at(clock::time_point t) {
  auto gen = ++timer_gen_;
  timer_.expires_at(t);
  timer_.async_wait([self = shared_from_this(), gen](const error_code& ec) {
    if (!ec && gen == self->timer_gen_)
      self->on_deadline();
  });
}

void connection::disarm() {
  ++timer_gen_;
  timer_.cancel();
}

void connection::on_deadline() {
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

void start_connection(server_core& core, tcp::socket sock, std::string peer, int refused_status) {
  boost::system::error_code ignored;
  sock.set_option(tcp::no_delay(true), ignored);
  if (refused_status != 0) {
    // Answering costs a write and a short linger; a flood of refusals must
    // not turn into a flood of sockets, and a TLS refusal would cost a handshake.
    if (core.tls || core.refusing >= 256)
      return;
    ++core.refusing;
    auto c = std::make_shared<connection>(core, byte_stream{std::move(sock)}, std::move(peer),
                                          false);
    c->refuse(refused_status);
    return;
  }
  auto stream = core.tls ? byte_stream{std::move(sock), *core.tls} : byte_stream{std::move(sock)};
  std::make_shared<connection>(core, std::move(stream), std::move(peer), true)->start();
}

} // namespace drover
