// Test support for the HTTP tests: the real http_server on 127.0.0.1 with an
// OS-picked port, over just the fakes a test file needs (http_fake_*.hpp),
// and a client for it. A test file names its fakes once:
//   using server_fixture = fake_server<fakes<fake_jobs, fake_monitor>>;
// and reaches them as `backend` (backend.submitted, backend.healthy, ...).
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "http/backend.hpp"
#include "http/httplib_abi.hpp"
#include "http/server.hpp"

namespace drover {
namespace http_test {

/// One object that is every fake in `Fs` (each implements one feature).
template <class... Fs>
struct fakes : Fs... {};

/// The bundle of every feature `b` implements.
template <class B>
http_backends bundle_of(B& b) {
  http_backends out;
  if constexpr (std::is_base_of_v<jobs_backend, B>)
    out.jobs = &b;
  if constexpr (std::is_base_of_v<rules_backend, B>)
    out.rules = &b;
  if constexpr (std::is_base_of_v<nodes_backend, B>)
    out.nodes = &b;
  if constexpr (std::is_base_of_v<monitor_backend, B>)
    out.monitor = &b;
  if constexpr (std::is_base_of_v<data_backend, B>)
    out.data = &b;
  if constexpr (std::is_base_of_v<schedules_backend, B>)
    out.schedules = &b;
  if constexpr (std::is_base_of_v<insight_backend, B>)
    out.insight = &b;
  return out;
}

/// The JSON body of an answer; fails the test if there is none or it is not JSON.
inline nlohmann::json body_of(const httplib::Result& res) {
  REQUIRE(res);
  INFO(res->body);
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  return doc;
}

/// The real server over `Backend`, started, and a client for it. Every wait
/// is bounded by the client's timeouts.
template <class Backend>
struct fake_server {
  Backend backend;
  http_server server;
  httplib::Client client;

  explicit fake_server(http_server_options opts = {})
    : server(bundle_of(backend), std::move(opts)), client(start_and_url()) {
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(10));
    client.set_write_timeout(std::chrono::seconds(10));
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }

private:
  std::string start_and_url() {
    auto err = server.start("127.0.0.1", 0);
    INFO(err.message);
    REQUIRE_FALSE(err);
    REQUIRE(server.port() != 0);
    return url();
  }
};

/// Options of a server that demands a token.
inline http_server_options token_options() {
  http_server_options o;
  o.token = "s3cret";
  return o;
}

/// A fake_server whose server demands a token.
template <class Backend>
struct token_server : fake_server<Backend> {
  token_server() : fake_server<Backend>(token_options()) {}
};

} // namespace http_test
} // namespace drover
