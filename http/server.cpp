// http_server (http/server.hpp): cpp-httplib setup, fixes for how it reads
// bodies, JSON bodies for the errors it answers itself (404, 405, 413, 431), and
// the listening thread. Endpoints: http/routes.cpp; the token: http/auth.cpp.
#include "http/server.hpp"

#include <chrono>
#include <mutex>
#include <thread>

#include "http/auth.hpp"
#include "http/bounded_server.hpp"
#include "http/httplib_abi.hpp"
#include "http/routes.hpp"

namespace drover {

namespace {

using httplib::Request;
using httplib::Response;
using handled = httplib::Server::HandlerResponse;

/// Runs before cpp-httplib reads a body, to fix two things it does with one.
/// Chunked bodies: 0.11 reads them whole without the payload limit, so a
/// client could fill memory; they get 411 and must send Content-Length.
/// No length at all means an empty body (RFC 9112 §6.3), but 0.11 reads
/// until the connection closes (`curl -X POST .../cancel` would wait out
/// the read timeout and get a 400); "Content-Length: 0" makes it read
/// nothing. The const_cast is sound: the library's Request is not const.
/// A Content-Length that is not a number is refused here too.
handled before_body(const Request& req, Response& res) {
  // One value each: with two, which one counts would be up to each reader
  // (a proxy and drover could disagree on the length or the sender).
  for (const char* name : {"Content-Length", "Content-Type", "Transfer-Encoding", "Authorization",
                           "Host", "LEVEL", "USER-AGENT", "DES-USER", "Idempotency-Key"}) {
    if (auto n = req.get_header_value_count(name); n > 1) {
      reply_error(res, 400, "bad_request", "header " + std::string{name} + " appears "
                                             + std::to_string(n) + " times; send it once");
      return handled::Handled;
    }
  }
  if (req.has_header("Transfer-Encoding")) {
    reply_error(res, 411, "length_required",
                "send the body with a Content-Length header; chunked bodies are not accepted");
    return handled::Handled;
  }
  if (!req.has_header("Content-Length")) {
    const_cast<Request&>(req).headers.emplace("Content-Length", "0");
  } else {
    // 0.11 reads "-3" as a huge unsigned length and waits for the bytes.
    auto len = req.get_header_value("Content-Length");
    if (len.empty() || len.find_first_not_of("0123456789") != std::string::npos) {
      reply_error(res, 400, "bad_request", "Content-Length '" + len + "' is not a number");
      return handled::Handled;
    }
  }
  return handled::Unhandled;
}

} // namespace

struct http_server::impl {
  http_backend* backend; ///< null until serve() when constructed without one
  http_server_options opts;
  bounded_server svr; // 431 past max_header_fields / max_head_bytes
  std::vector<route> routes;
  std::thread listener;
  std::mutex mtx; // guards bind/serve/stop
  bool bound = false;
  bool started = false;
  uint16_t port = 0;

  impl(http_backend* b, http_server_options o) : backend(b), opts(std::move(o)) {}

  void configure();
  handled on_error(const Request& req, Response& res) const;
};

void http_server::impl::configure() {
  svr.set_payload_max_length(opts.max_body);
  // Idle keep-alive connections hold a worker; a short timeout keeps stop()
  // quick while still letting a client reuse its connection.
  svr.set_keep_alive_timeout(1);
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second server
  // bind a port in use and silently share it. SO_REUSEADDR alone still
  // allows a quick restart (TIME_WAIT) but makes a taken port an error.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  if (opts.threads > 0) {
    auto n = opts.threads;
    svr.new_task_queue = [n] { return new httplib::ThreadPool(n); };
  }
  svr.set_pre_routing_handler(before_body);
  svr.set_error_handler(httplib::Server::HandlerWithResponse(
    [this](const Request& req, Response& res) { return on_error(req, res); }));
}

/// cpp-httplib calls this for every status >= 400; ours already carry a
/// JSON body, the ones it made itself get one here.
handled http_server::impl::on_error(const Request& req, Response& res) const {
  if (!res.body.empty())
    return handled::Unhandled;
  if (request_head_too_large()) {
    reply_error(res, 431, "header_fields_too_large",
                "more than " + std::to_string(max_header_fields) + " header fields or "
                  + std::to_string(max_head_bytes) + " bytes of request line and headers");
    return handled::Handled;
  }
  // The token is checked after the body is read (so a refusal never leaves
  // unread bytes on the connection): here for requests no handler took.
  if (!may_access(req, opts.token)) {
    reply_unauthorized(res);
    return handled::Handled;
  }
  if (res.status == 404) {
    std::string allow;
    for (const char* method : {"GET", "POST", "PUT"}) { // a stable order for Allow
      bool match = false;
      for (auto& r : routes)
        match = match || (r.method == method && std::regex_match(req.path, r.pattern));
      if (match && req.method != method)
        allow += (allow.empty() ? "" : ", ") + std::string{method};
    }
    if (!allow.empty()) {
      res.set_header("Allow", allow);
      reply_error(res, 405, "method_not_allowed",
                  req.method + " " + req.path + " is not supported; use " + allow);
    } else {
      reply_error(res, 404, "not_found", "no endpoint " + req.method + " " + req.path
                                           + " (see http/API.md)");
    }
  } else if (res.status == 413) {
    reply_error(res, 413, "body_too_large", "the body is larger than the limit of "
                                              + std::to_string(opts.max_body) + " bytes (--max-body)");
  } else {
    reply_error(res, res.status, "bad_request", "the HTTP request could not be read");
  }
  return handled::Handled;
}

http_server::http_server(http_backend& backend, http_server_options opts)
  : impl_(std::make_unique<impl>(&backend, std::move(opts))) {}

http_server::http_server(http_server_options opts)
  : impl_(std::make_unique<impl>(nullptr, std::move(opts))) {}

http_server::~http_server() { stop(); }

error http_server::bind(const std::string& host, uint16_t port) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  if (impl_->bound)
    return {ec::bad_input, "the HTTP server was already bound"};
  impl_->configure();
  int bound = port;
  if (port == 0)
    bound = impl_->svr.bind_to_any_port(host);
  else if (!impl_->svr.bind_to_port(host, port))
    bound = -1;
  if (bound <= 0)
    return {ec::bad_input, "cannot listen on " + host + ":" + std::to_string(port)
                             + " for HTTP: the address is in use or not on this machine"
                               " (pick another --http=HOST:PORT, or --http=off)"};
  impl_->bound = true;
  impl_->port = static_cast<uint16_t>(bound);
  return {};
}

error http_server::serve(http_backend& backend) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  if (!impl_->bound || impl_->started)
    return {ec::bad_input, "the HTTP server is not bound, or already serves"};
  impl_->backend = &backend;
  impl_->routes = add_routes(impl_->svr, backend, impl_->opts);
  impl_->started = true;
  impl_->listener = std::thread{[this] { impl_->svr.listen_after_bind(); }};
  // stop() only works once the accept loop runs; wait for it, bounded.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->svr.is_running() && impl_->listener.joinable()
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!impl_->svr.is_running())
    return {ec::unreachable, "the HTTP server did not start within 5 s"};
  return {};
}

error http_server::start(const std::string& host, uint16_t port) {
  if (!impl_->backend)
    return {ec::bad_input, "the HTTP server has no backend: use bind() and serve()"};
  if (auto err = bind(host, port))
    return err;
  return serve(*impl_->backend);
}

uint16_t http_server::port() const { return impl_->port; }

void http_server::stop() {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  if (!impl_->listener.joinable())
    return;
  impl_->svr.stop();
  impl_->listener.join();
}

} // namespace drover
