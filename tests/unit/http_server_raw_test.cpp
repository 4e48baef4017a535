// The server at the protocol level, over a plain socket: requests that
// cpp-httplib's own client never sends (no Content-Length, garbage, lies
// about the body) get a quick, well-formed answer and never a crash.
#include <doctest/doctest.h>


#include <string>

#include "http_fake_jobs.hpp"
#include "http_fake_monitor.hpp"
#include "http_fake_server.hpp"
#include "tests/support/raw_http.hpp"

using namespace drover;
using namespace drover::http_test;
using drover::testing::exchange;

namespace {

using server_fixture = fake_server<fakes<fake_jobs, fake_monitor>>;
using token_fixture = token_server<fakes<fake_jobs, fake_monitor>>;

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

TEST_SUITE("http_server_raw") {

TEST_CASE_FIXTURE(server_fixture, "a POST without Content-Length has an empty body, not a hang") {
  REQUIRE(client.Post("/v1/jobs", R"({"name": "j", "tasks": [{"type": "a"}]})",
                      "application/json")->status == 201);
  // What `curl -X POST URL` sends. The socket stays open for writing, as
  // curl's does: a server that reads "until the body ends" would wait.
  auto reply = exchange(server.port(),
                        "POST /v1/tasks/1/cancel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        false);
  INFO(reply);
  CHECK(starts_with(reply, "HTTP/1.1 200 OK"));
  CHECK(reply.find(R"("state":"CANCELLED")") != std::string::npos);
}

TEST_CASE_FIXTURE(server_fixture, "garbage and broken requests get a 4xx and the server stays up") {
  // Complete requests: the server answers, then closes.
  for (std::string raw : {
         std::string{"HELLO\r\n\r\n"},
         std::string{"GET /v1/jobs HTTP/9.9 extra\r\n\r\n"},
         std::string{"POST /v1/jobs HTTP/1.1\r\nContent-Length: -3\r\nConnection: close\r\n\r\n"},
         std::string{"GET /v1/jobs/%zz HTTP/1.1\r\nConnection: close\r\n\r\n"},
         std::string{"GET /v1/jobs?limit=1&limit HTTP/1.1\r\nConnection: close\r\n\r\n"},
         std::string(70000, 'A') + "\r\n\r\n",
         std::string{"\0\0\0\0\r\n\r\n", 8}}) {
    auto reply = exchange(server.port(), raw, false);
    CAPTURE(raw.substr(0, 60));
    CAPTURE(reply.substr(0, 200));
    CHECK(starts_with(reply, "HTTP/1.1 4"));
  }
  // A body cut short: the client gives up mid-way; nothing is stored and
  // no reply can be written to a closed connection.
  exchange(server.port(), "POST /v1/jobs HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"name\"", true);
  CHECK(client.Get("/healthz")->status == 200); // still serving
  CHECK(backend.submitted.empty());
}

TEST_CASE("an unauthorized upload gets 401, even one over the size limit") {
  http_server_options opts = token_options();
  opts.max_body = 1024;
  server_fixture f{opts};
  auto small = exchange(f.server.port(),
                        "POST /v1/jobs HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                        false);
  INFO(small);
  CHECK(starts_with(small, "HTTP/1.1 401"));
  auto big = exchange(f.server.port(),
                      "POST /v1/jobs HTTP/1.1\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n"
                        + std::string(2000, '{'),
                      false);
  INFO(big);
  CHECK(starts_with(big, "HTTP/1.1 401"));
  CHECK(f.backend.submitted.empty());
}

TEST_CASE_FIXTURE(server_fixture, "a chunked body gets 411 before any of it is read") {
  // cpp-httplib 0.11 would read a chunked body whole, ignoring --max-body.
  auto reply = exchange(server.port(),
                        "POST /v1/jobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                        "Connection: close\r\n\r\n"
                        "400\r\n" + std::string(1024, ' ') + "\r\n",
                        false);
  CHECK(starts_with(reply, "HTTP/1.1 411"));
  CHECK(reply.find("length_required") != std::string::npos);
  CHECK(backend.submitted.empty());
}

}
