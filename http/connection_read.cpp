// Reading a request (http/connection.hpp): bytes in, a head scanned and
// checked (token before length, so an unauthorized client learns nothing
// of the limits), a body read within its budget and time, then dispatch.
// While a request is out of its hands, it keeps reading to notice a client
// that leaves.
#include <algorithm>
#include <string_view>

#include "http/auth.hpp"
#include "http/connection.hpp"

namespace drover {

void connection::read_more() {
  if (reading_ || peer_closed_ || phase_ == phase::closed)
    return;
  bool waiting_on_us = phase_ == phase::busy || phase_ == phase::parked
                       || phase_ == phase::writing;
  if (waiting_on_us && in_.size() >= max_buffered)
    return; // enough buffered; read again once the answer is out
  reading_ = true;
  stream_.read_some(asio::buffer(buf_),
                    [self = shared_from_this()](const error_code& ec, std::size_t n) {
                      self->on_read(ec, n);
                    });
}

void connection::on_read(const error_code& ec, std::size_t n) {
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

void connection::on_peer_closed() {
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

void connection::process_input() {
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

void connection::on_head() {
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
    stream_.write(asio::buffer(go_on),
                  [self = shared_from_this()](const error_code& ec, std::size_t) {
                    self->continuing_ = false;
                    if (ec)
                      return self->close_now();
                    if (self->held_)
                      self->respond(std::move(*std::exchange(self->held_, std::nullopt)));
                  });
  }
  take_body();
}

void connection::take_body() {
  auto want = framing_.content_length - req_.body.size();
  auto n = std::min(want, in_.size());
  req_.body.append(in_, 0, n);
  in_.erase(0, n);
  if (req_.body.size() < framing_.content_length)
    return read_more();
  dispatch();
}

} // namespace drover
