// The request head as drover reads it (http/request_head.hpp): where it
// ends, what it parses to, and every refusal before a body byte is read.
#include <doctest/doctest.h>

#include <string>

#include "http/request_head.hpp"

using namespace drover;

namespace {

/// Scans and parses `raw` whole; the refusal, if any.
refusal read_head(const std::string& raw, http_request& req, framing& f) {
  head_scanner scan;
  auto state = scan.scan(raw);
  if (state == head_scanner::state::too_large)
    return head_too_large();
  REQUIRE(state == head_scanner::state::done);
  if (auto r = parse_head(std::string_view{raw}.substr(0, scan.size()), req, f))
    return r;
  return check_framing(req, f);
}

} // namespace

TEST_SUITE("http_request_head") {

TEST_CASE("a head is found a byte at a time, without looking at a byte twice") {
  std::string raw = "GET /x HTTP/1.1\r\nHost: a\r\n\r\nBODY";
  head_scanner scan;
  std::string in;
  head_scanner::state state = head_scanner::state::more;
  for (char c : raw) {
    in += c;
    state = scan.scan(in);
    if (state != head_scanner::state::more)
      break;
  }
  CHECK(state == head_scanner::state::done);
  CHECK(scan.size() == raw.size() - 4);
  CHECK(in.size() == scan.size()); // it stopped at the blank line
}

TEST_CASE("path, query and headers are decoded, names are case-insensitive") {
  http_request req;
  framing f;
  auto r = read_head("POST /v1/nodes/my%20node/status?since=5&a=x+y&flag&a=2 HTTP/1.1\r\n"
                     "host: h\r\ncontent-length:  12 \r\nX-Thing:\tv\r\n\r\n",
                     req, f);
  REQUIRE_FALSE(r);
  CHECK(req.method == "POST");
  CHECK(req.path == "/v1/nodes/my node/status");
  CHECK(req.params.count("a") == 2);
  CHECK(req.params.find("since")->second == "5");
  CHECK(req.params.find("flag")->second.empty());
  CHECK(req.params.find("a")->second == "x y");
  CHECK(req.get_header_value("Content-Length") == "12");
  CHECK(req.get_header_value("X-THING") == "v");
  CHECK(f.content_length == 12);
  CHECK(f.keep_alive);
}

TEST_CASE("keep-alive follows the version and the Connection header") {
  http_request req;
  framing f;
  REQUIRE_FALSE(read_head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", req, f));
  CHECK_FALSE(f.keep_alive);
  http_request r10;
  REQUIRE_FALSE(read_head("GET / HTTP/1.0\r\n\r\n", r10, f));
  CHECK_FALSE(f.keep_alive);
  http_request r10k;
  REQUIRE_FALSE(read_head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", r10k, f));
  CHECK(f.keep_alive);
  http_request e;
  REQUIRE_FALSE(read_head("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", e, f));
  CHECK(f.expect_continue);
}

TEST_CASE("malformed heads are refused with the status that says why") {
  struct row {
    std::string raw;
    int status;
    std::string detail;
  };
  const row rows[] = {
    {"HELLO\r\n\r\n", 400, "METHOD TARGET"},
    {"GET /v1/jobs HTTP/9.9 extra\r\n\r\n", 400, "METHOD TARGET"},
    {"BREW /pot HTTP/1.1\r\n\r\n", 400, "'BREW' is not an HTTP method"},
    {"GET /x HTTP/2.0\r\n\r\n", 505, "HTTP/1.1"},
    {"GET x HTTP/1.1\r\n\r\n", 400, "starting with '/'"},
    {"GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n", 400, "NAME: VALUE"},
    {"GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400, "folded"},
    {"GET /x HTTP/1.1\r\nA: b\x01\r\n\r\n", 400, "control character"},
    {std::string{"GET /x HTTP/1.1\r\nA: \0\r\n\r\n", 25}, 400, "NUL"},
    {"POST /x HTTP/1.1\r\nContent-Length: -3\r\n\r\n", 400, "'-3' is not a number"},
    {"POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400,
     "Content-Length appears 2 times"},
    {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "Content-Length"},
    {"POST /x HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400, "Host appears 2 times"},
  };
  for (const auto& r : rows) {
    http_request req;
    framing f;
    auto got = read_head(r.raw, req, f);
    CAPTURE(r.raw);
    CAPTURE(got.detail);
    CHECK(got.status == r.status);
    CHECK(got.detail.find(r.detail) != std::string::npos);
  }
}

TEST_CASE("past 100 fields or 64 KiB the head is too large, found before it all arrives") {
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i)
    many += "X-" + std::to_string(i) + ": v\r\n";
  head_scanner scan;
  CHECK(scan.scan(many) == head_scanner::state::too_large); // no blank line needed
  std::string hundred = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i)
    hundred += "X-" + std::to_string(i) + ": v\r\n";
  head_scanner ok;
  CHECK(ok.scan(hundred + "\r\n") == head_scanner::state::done);
  head_scanner big;
  CHECK(big.scan("GET /" + std::string(max_head_bytes, 'a')) == head_scanner::state::too_large);
  CHECK(head_too_large().status == 431);
}

TEST_CASE("a Content-Length too large to hold is kept as the largest size, for a 413") {
  http_request req;
  framing f;
  REQUIRE_FALSE(read_head("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", req, f));
  CHECK(f.content_length > (std::size_t{1} << 40));
  CHECK(body_too_large(1024).status == 413);
}

TEST_CASE("percent-decoding keeps a '%' that starts no escape") {
  CHECK(percent_decode("%zz%41%4", false) == "%zzA%4");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
}

}
