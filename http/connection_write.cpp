// Writing answers and closing (http/connection.hpp): one write at a time
// (a 100 Continue first, if one is in flight), keep-alive or a lingering
// close that lets the answer reach the client before the socket goes.
#include "http/connection.hpp"

namespace drover {

/// Plain HTTP on the HTTPS port: a 400 in plain text, then a lingering
/// close, both on the TCP socket under the TLS layer.
void connection::refuse_plain_http() {
  phase_ = phase::writing;
  out_ = to_wire(refusal_response({400, "https_required",
                                   "this port serves HTTPS only: use https:// in the URL"}),
                 false, true);
  arm(core_.opts.write_timeout);
  asio::async_write(stream_.socket(), asio::buffer(out_),
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      if (ec || self->phase_ == phase::closed)
                        return self->close_now();
                      self->phase_ = phase::closing;
                      error_code ignored;
                      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                      self->arm(linger_time);
                      self->drain_plain();
                    });
}

void connection::drain_plain() {
  stream_.socket().async_read_some(
    asio::buffer(buf_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
      self->lingered_ += n;
      if (ec || self->phase_ == phase::closed || self->lingered_ > linger_bytes)
        return self->close_now();
      self->drain_plain();
    });
}

void connection::refuse_request(const refusal& r) {
  close_after_ = true; // what follows in the stream cannot be trusted
  respond(refusal_response(r));
}

void connection::respond(http_response res) {
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
  stream_.write(asio::buffer(out_), [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->on_written(ec);
  });
  read_more();
}

void connection::on_written(const error_code& ec) {
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

void connection::begin_request(bool first) {
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
void connection::linger() {
  phase_ = phase::closing;
  in_.clear();
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  arm(linger_time);
  read_more();
}

void connection::close_now() {
  if (phase_ == phase::closed)
    return;
  phase_ = phase::closed;
  disarm();
  if (parked_) {
    parked_->abandon();
    parked_.reset();
  }
  error_code ignored;
  stream_.socket().close(ignored);
}

} // namespace drover
