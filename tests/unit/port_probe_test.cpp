// The pure parts of telling ports apart (http/port_probe.hpp): URLs split
// into host and port, and bind problems in words a user acts on.
#include <doctest/doctest.h>

#include <cerrno>

#include "http/port_probe.hpp"

using namespace drover;

TEST_CASE("split_url_host_port reads http and https URLs, IPv6 too, and refuses no port") {
  std::string host;
  uint16_t port = 0;
  REQUIRE(split_url_host_port("http://127.0.0.1:8080", host, port));
  CHECK(host == "127.0.0.1");
  CHECK(port == 8080);
  REQUIRE(split_url_host_port("https://ex.org:443/", host, port));
  CHECK(host == "ex.org");
  CHECK(port == 443);
  REQUIRE(split_url_host_port("http://[::1]:4700", host, port));
  CHECK(host == "::1");
  CHECK(port == 4700);
  CHECK_FALSE(split_url_host_port("http://ex.org", host, port));
  CHECK_FALSE(split_url_host_port("http://[::1]", host, port));
  CHECK_FALSE(split_url_host_port("http://h:0", host, port));
  CHECK_FALSE(split_url_host_port("http://h:70000", host, port));
  CHECK_FALSE(split_url_host_port("http://h:8x", host, port));
}

TEST_CASE("bind problems say in use, not here, or privileged") {
  CHECK(bind_problem_of(0, "h", 1).empty());
  CHECK(bind_problem_of(EADDRINUSE, "127.0.0.1", 4700)
        == "port 4700 on 127.0.0.1 is already in use by another process (another drover?)");
  CHECK(bind_problem_of(EADDRNOTAVAIL, "10.9.9.9", 4700) == "10.9.9.9 is not an address of this machine");
  CHECK(bind_problem_of(EACCES, "0.0.0.0", 80).find("needs privileges") != std::string::npos);
  CHECK(bind_problem("192.0.2.1", 4700) == "192.0.2.1 is not an address of this machine");
  CHECK(bind_problem("127.0.0.1", 0).empty()); // any free port
}
