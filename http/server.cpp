// http_server (http/server.hpp): binding (TLS files checked first), the
// accept loop with its connection slots, the event-loop and worker
// threads, and stop(). A connection's life: http/connection.hpp. Endpoints:
// http/routes.cpp; the token: http/auth.cpp.
#include "http/server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <tuple>
#include <vector>

#include "http/port_probe.hpp"
#include "http/routes.hpp"
#include "http/server_core.hpp"
#include "http/tls_files.hpp"

namespace drover {

namespace {

using error_code = boost::system::error_code;

/// Connections need file descriptors: raise the soft limit toward the hard
/// one if it is short of --http-max-connections plus room for the rest of
/// the process. ec::bad_input if the hard limit is too low.
error ensure_descriptors(std::size_t connections) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return {};
  rlim_t want = connections + 512; // the store, CAF's sockets, refusals in flight
  if (lim.rlim_cur >= want)
    return {};
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < want)
    return {ec::bad_input, "--http-max-connections=" + std::to_string(connections)
                             + " needs " + std::to_string(want) + " file descriptors; the limit is "
                             + std::to_string(lim.rlim_max)
                             + " (raise ulimit -n or lower --http-max-connections)"};
  lim.rlim_cur = want;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  return {};
}

error make_tls_context(const http_server_options& o, std::unique_ptr<asio::ssl::context>& out) {
  if (o.tls_cert.empty() && o.tls_key.empty())
    return {};
  if (auto err = check_tls_files(o.tls_cert, o.tls_key))
    return err;
  try {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2
                     | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1
                     | asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    ctx->use_certificate_chain_file(o.tls_cert);
    ctx->use_private_key_file(o.tls_key, asio::ssl::context::pem);
    out = std::move(ctx);
  } catch (const boost::system::system_error& e) {
    return {ec::bad_input, "--http-tls-cert/--http-tls-key: " + std::string{e.what()}};
  }
  return {};
}

} // namespace

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

struct http_server::impl {
  std::optional<http_backends> backends; ///< none until serve() when constructed without
  http_server_options opts;
  std::vector<std::tuple<std::string, std::string, http_handler>> extra_routes;
  std::mutex mtx; // guards bind/serve/stop
  // Destroyed in reverse: the pool, the acceptor, the event loop (its
  // pending handlers own the connections), then what connections use.
  std::unique_ptr<server_core> core;
  std::unique_ptr<asio::io_context> io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> accept_pause;
  std::unique_ptr<route_threads> pool;
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::vector<std::thread> io_threads;
  bool started = false;
  uint16_t port = 0;

  impl(std::optional<http_backends> b, http_server_options o)
    : backends(b), opts(std::move(o)) {}

  void accept();
  void on_accepted(tcp::socket sock);
};

void http_server::impl::accept() {
  acceptor->async_accept(asio::make_strand(*io), [this](const error_code& ec, tcp::socket sock) {
    if (!acceptor->is_open())
      return; // stop() closed it
    if (!ec) {
      on_accepted(std::move(sock));
    } else if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space
               || ec == asio::error::no_memory) {
      // Out of sockets: the waiting connections stay in the backlog; try
      // again shortly instead of spinning on the same failure.
      accept_pause->expires_after(std::chrono::milliseconds(50));
      accept_pause->async_wait([this](const error_code& e) {
        if (!e && acceptor->is_open())
          accept();
      });
      return;
    }
    accept();
  });
}

void http_server::impl::on_accepted(tcp::socket sock) {
  error_code ec;
  auto remote = sock.remote_endpoint(ec);
  if (ec)
    return; // gone already
  auto peer = remote.address().to_string();
  switch (core->slots.take(peer)) {
    case client_slots::verdict::taken: return start_connection(*core, std::move(sock), peer, 0);
    case client_slots::verdict::client_full:
      return start_connection(*core, std::move(sock), peer, 429);
    case client_slots::verdict::server_full:
      return start_connection(*core, std::move(sock), peer, 503);
  }
}

http_server::http_server(http_backends backends, http_server_options opts)
  : impl_(std::make_unique<impl>(backends, std::move(opts))) {}

http_server::http_server(http_server_options opts)
  : impl_(std::make_unique<impl>(std::nullopt, std::move(opts))) {}

http_server::~http_server() { stop(); }

error http_server::bind(const std::string& host, uint16_t port) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  if (impl_->acceptor)
    return {ec::bad_input, "the HTTP server was already bound"};
  auto core = std::make_unique<server_core>(impl_->opts);
  if (auto err = make_tls_context(impl_->opts, core->tls))
    return err;
  if (auto err = ensure_descriptors(impl_->opts.max_connections))
    return err;
  auto io = std::make_unique<asio::io_context>(1);
  auto acceptor = std::make_unique<tcp::acceptor>(*io);
  error_code ec;
  tcp::endpoint where;
  auto addr = asio::ip::make_address(host, ec);
  if (!ec) {
    where = tcp::endpoint{addr, port};
  } else { // a host name: its first address
    tcp::resolver resolver{*io};
    auto found = resolver.resolve(host, std::to_string(port), ec);
    if (!ec && !found.empty())
      where = found.begin()->endpoint();
    else if (!ec)
      ec = asio::error::host_not_found;
  }
  if (!ec)
    acceptor->open(where.protocol(), ec);
  // SO_REUSEADDR allows a quick restart (TIME_WAIT) while a port another
  // process listens on stays an error (SO_REUSEPORT would share it).
  if (!ec)
    acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec)
    acceptor->bind(where, ec);
  if (!ec)
    acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return {ec::bad_input, "cannot listen on " + host + ":" + std::to_string(port) + " for HTTP: "
                             + bind_problem_of(ec.value(), host, port)
                             + " (pick another --http=HOST:PORT, or --http=off)"};
  impl_->port = acceptor->local_endpoint().port();
  impl_->core = std::move(core);
  impl_->io = std::move(io);
  impl_->acceptor = std::move(acceptor);
  return {};
}

void http_server::add_route(const std::string& method, const std::string& pattern,
                            http_handler handler) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  impl_->extra_routes.emplace_back(method, pattern, std::move(handler));
}

error http_server::serve(http_backends backends) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto& m = *impl_;
  if (!m.acceptor || m.started)
    return {ec::bad_input, "the HTTP server is not bound, or already serves"};
  m.backends = backends;
  add_routes(m.core->routes, backends, m.core->opts);
  for (auto& [method, pattern, handler] : m.extra_routes)
    m.core->routes.add(method, pattern, handler);
  m.pool = std::make_unique<route_threads>(m.opts.threads == 0 ? 8 : m.opts.threads);
  m.core->pool = m.pool.get();
  m.accept_pause = std::make_unique<asio::steady_timer>(*m.io);
  m.keep_running = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
    m.io->get_executor());
  m.accept();
  m.started = true;
  // One event-loop thread does all I/O (routes run on the pool): a new
  // connection's first operations start on the accept handler, which is then
  // the only thread touching it. More loop threads would need those first
  // operations dispatched onto each connection's strand.
  m.io_threads.emplace_back([io = m.io.get()] { io->run(); });
  return {};
}

error http_server::serve_more(http_backends backends) {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto& m = *impl_;
  if (!m.started)
    return {ec::bad_input, "the HTTP server does not serve yet"};
  m.backends = backends;
  router fresh; // the routes served so far (none behind the gate) give way whole
  add_routes(fresh, backends, m.core->opts);
  for (auto& [method, pattern, handler] : m.extra_routes)
    fresh.add(method, pattern, handler);
  m.core->routes = std::move(fresh);
  return {};
}

error http_server::start(const std::string& host, uint16_t port) {
  if (!impl_->backends)
    return {ec::bad_input, "the HTTP server has no backends: use bind() and serve()"};
  if (auto err = bind(host, port))
    return err;
  return serve(*impl_->backends);
}

uint16_t http_server::port() const { return impl_->port; }

bool http_server::tls() const { return impl_->core && impl_->core->tls; }

void http_server::stop() {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  auto& m = *impl_;
  if (!m.acceptor)
    return;
  if (m.started) {
    m.core->stopping = true;
    asio::post(*m.io, [a = m.acceptor.get(), t = m.accept_pause.get()] {
      error_code ignored;
      a->close(ignored);
      t->cancel();
    });
    m.pool->stop(); // requests in flight finish; their answers go out with Connection: close
    m.keep_running.reset();
    m.io->stop();
    for (auto& t : m.io_threads)
      t.join();
    m.io_threads.clear();
  }
  m.core->gate->close(); // no deferred reply may post to the loop from now on
  m.pool.reset();
  m.accept_pause.reset();
  m.acceptor.reset();
  m.io.reset(); // destroys the handlers still queued, and with them the connections
  m.core.reset();
  m.started = false;
}

} // namespace drover
