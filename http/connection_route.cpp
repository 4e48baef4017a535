// Routing a request (http/connection.hpp): the route runs on the server's
// thread pool, never on the event loop; its answer comes back to the
// connection's strand. A deferred (parked) answer holds no thread while it
// waits, and the connection learns of it through a weak reference.
#include <algorithm>

#include "http/connection.hpp"

namespace drover {

namespace {

/// A route's answer on its way to the connection's strand. Should the loop
/// go away before it arrives (the server stops), a parked reply in it is
/// abandoned, so its complete() says false instead of claiming delivery.
struct answer_in_transit {
  http_response res;
  explicit answer_in_transit(http_response r) : res(std::move(r)) {}
  answer_in_transit(answer_in_transit&&) = default; // leaves `res.deferred` null
  answer_in_transit& operator=(answer_in_transit&&) = delete;
  ~answer_in_transit() {
    if (res.deferred)
      res.deferred->abandon();
  }
};

} // namespace

void connection::dispatch() {
  phase_ = phase::busy;
  disarm();
  auto self = shared_from_this();
  auto job = [self, req = std::move(req_)]() mutable {
    http_response res;
    auto& gate = self->core_.opts.gate;
    if (!gate || !gate(req, res))
      self->core_.routes.dispatch(req, res);
    req = http_request{}; // the body's memory goes before the budget is given back
    asio::post(self->stream_.socket().get_executor(),
               [self, a = answer_in_transit{std::move(res)}]() mutable {
                 self->on_routed(std::move(a.res));
               });
  };
  req_ = http_request{};
  if (!core_.pool->submit(std::move(job)))
    on_routed(refusal_response({503, "unavailable", "the server is stopping"}));
  read_more();
}

void connection::on_routed(http_response res) {
  core_.release_body(reserved_);
  reserved_ = 0;
  if (phase_ == phase::closed) {
    if (res.deferred) // nobody will send it: complete() must say so
      res.deferred->abandon();
    return;
  }
  if (!res.deferred)
    return respond(std::move(res));
  park(std::move(res.deferred));
}

void connection::park(std::shared_ptr<deferred_reply> d) {
  phase_ = phase::parked;
  parked_ = std::move(d);
  std::weak_ptr<connection> weak = shared_from_this();
  // Holds no executor and no strong reference: whoever keeps the reply
  // may keep it past the connection, or past the server.
  auto early = parked_->attach([weak, gate = core_.gate](http_response res) {
    gate->run([&] {
      if (auto self = weak.lock())
        asio::post(self->stream_.socket().get_executor(), [self, res = std::move(res)]() mutable {
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

void connection::on_parked_answer(http_response res) {
  if (phase_ != phase::parked)
    return;
  parked_.reset();
  respond(std::move(res));
}

} // namespace drover
