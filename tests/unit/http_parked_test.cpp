// Parked requests (http/deferred_reply.hpp) on the real server: a route that
// answers later holds no thread while it waits, answers from any thread,
// times out with its own response, and learns when its client left.
// The routes are the test's own, added with http_server::add_route.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/deferred_reply.hpp"
#include "http_fake_monitor.hpp"
#include "http_fake_server.hpp"
#include "tests/support/raw_http.hpp"

using namespace drover;
using namespace drover::http_test;
using namespace std::chrono_literals;

namespace {


/// Requests parked by the test route, in arrival order.
struct parking_lot {
  std::mutex mtx;
  std::vector<std::shared_ptr<deferred_reply>> waiting;
  std::vector<std::string> ids; ///< each request's ?id=, beside its reply
  std::size_t size() {
    std::lock_guard<std::mutex> guard{mtx};
    return waiting.size();
  }
};

http_response text(int status, const std::string& body) {
  http_response r;
  r.status = status;
  r.set_content(body, "text/plain");
  return r;
}

/// A connected socket to 127.0.0.1:`port`; every read bounded by 10 s.
int connect_to(uint16_t port) {
  return drover::testing::connect_loopback(port, 10);
}

void send_all(int fd, const std::string& raw) {
  REQUIRE(::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(raw.size()));
}

/// Reads one whole reply (bounded by the socket's timeout).
std::string read_reply(int fd) {
  std::string reply;
  char buf[4096];
  ssize_t n;
  while (!drover::testing::complete(reply) && (n = ::recv(fd, buf, sizeof buf, 0)) > 0)
    reply.append(buf, static_cast<size_t>(n));
  return reply;
}

/// Waits up to 10 s for `cond`, polling.
template <class F>
bool eventually(F cond) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

/// A server with two route threads and the test's parking routes.
struct parked_fixture {
  fake_monitor backend;
  parking_lot lot;
  http_server server;

  parked_fixture() : server(bundle_of(backend), options()) {
    // Parks for `ms` (query ?ms=, default 10 s); on timeout answers 204.
    server.add_route("GET", "/test/park", [this](const http_request& req, http_response& res) {
      auto ms = req.params.count("ms") ? std::stoi(req.params.find("ms")->second) : 10000;
      auto d = res.defer(std::chrono::milliseconds(ms), text(204, ""));
      std::lock_guard<std::mutex> guard{lot.mtx};
      lot.waiting.push_back(std::move(d));
      lot.ids.push_back(req.params.count("id") ? req.params.find("id")->second : "");
    });
    // Answers before the route even returns: the server must still send it.
    server.add_route("GET", "/test/at-once", [](const http_request&, http_response& res) {
      res.defer(10s, text(204, ""))->complete(text(200, "at once"));
    });
    REQUIRE_FALSE(server.start("127.0.0.1", 0));
  }

  static http_server_options options() {
    http_server_options o;
    o.threads = 2; // fewer than the parked requests by far
    return o;
  }
};

} // namespace

TEST_SUITE("http_parked") {

TEST_CASE_FIXTURE(parked_fixture, "120 parked requests hold no thread: /healthz stays fast, then all are answered") {
  constexpr int parked = 120;
  std::vector<int> fds;
  for (int i = 0; i < parked; ++i) {
    fds.push_back(connect_to(server.port()));
    send_all(fds.back(), "GET /test/park?id=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  REQUIRE(eventually([&] { return lot.size() == parked; }));
  // Two route threads and 120 parked requests: /healthz needs a free thread.
  httplib::Client probe{"127.0.0.1", server.port()};
  probe.set_read_timeout(5s);
  std::chrono::steady_clock::duration worst{};
  for (int i = 0; i < 20; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto res = probe.Get("/healthz");
    worst = std::max(worst, std::chrono::steady_clock::now() - t0);
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  MESSAGE("slowest of 20 /healthz with " << parked << " parked requests: "
          << std::chrono::duration_cast<std::chrono::microseconds>(worst).count() << " us");
  CHECK(worst < 2s); // generous: a held thread would make it wait 10 s

  // Answer every one from another thread, each with its own body.
  std::thread answerer{[&] {
    std::lock_guard<std::mutex> guard{lot.mtx};
    for (std::size_t i = 0; i < lot.waiting.size(); ++i)
      CHECK(lot.waiting[i]->complete(text(200, "reply " + lot.ids[i])));
  }};
  answerer.join();
  for (int i = 0; i < parked; ++i) {
    auto reply = read_reply(fds[i]);
    CAPTURE(reply);
    CHECK(reply.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(reply.find("\r\n\r\nreply " + std::to_string(i)) != std::string::npos);
    ::close(fds[i]);
  }
  // Answered once only.
  CHECK_FALSE(lot.waiting[0]->complete(text(200, "again")));
}

TEST_CASE_FIXTURE(parked_fixture, "a parked request that nobody answers gets the route's timeout reply, on time") {
  int fd = connect_to(server.port());
  auto t0 = std::chrono::steady_clock::now();
  send_all(fd, "GET /test/park?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto reply = read_reply(fd);
  auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(reply.rfind("HTTP/1.1 204 ", 0) == 0);
  CHECK(waited >= 290ms);
  CHECK(waited < 5s);
  REQUIRE(lot.size() == 1);
  CHECK_FALSE(lot.waiting[0]->waiting());
  CHECK_FALSE(lot.waiting[0]->complete(text(200, "too late")));
  // The connection is kept: the next request on it is served.
  send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(read_reply(fd).rfind("HTTP/1.1 200 ", 0) == 0);
  ::close(fd);
}

TEST_CASE_FIXTURE(parked_fixture, "when a parked client leaves, complete() says so and nothing is sent") {
  int fd = connect_to(server.port());
  send_all(fd, "GET /test/park HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(eventually([&] { return lot.size() == 1; }));
  ::close(fd);
  auto d = lot.waiting[0];
  REQUIRE(eventually([&] { return !d->waiting(); }));
  CHECK_FALSE(d->complete(text(200, "nobody is there")));
}

TEST_CASE_FIXTURE(parked_fixture, "a reply completed before the route returns is sent") {
  httplib::Client c{"127.0.0.1", server.port()};
  c.set_read_timeout(5s);
  auto res = c.Get("/test/at-once");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == "at once");
}

TEST_CASE("stopping the server abandons parked requests and returns promptly") {
  parked_fixture f;
  int fd = connect_to(f.server.port());
  send_all(fd, "GET /test/park HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(eventually([&] { return f.lot.size() == 1; }));
  auto t0 = std::chrono::steady_clock::now();
  f.server.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK_FALSE(f.lot.waiting[0]->complete(text(200, "after stop")));
  char byte;
  CHECK(::recv(fd, &byte, 1, 0) <= 0); // closed, nothing sent
  ::close(fd);
}

}
