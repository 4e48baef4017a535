#include "tests/support/rest_node.hpp"

#include <doctest/doctest.h>

namespace drover::testing {

rest_node::rest_node(const std::vector<std::string>& args, const std::string& log_prefix) {
  using namespace std::chrono_literals;
  std::vector<std::string> argv{DROVER_BINARY, "run", "--listen=127.0.0.1:0",
                                "--http=127.0.0.1:0", "--threads=2"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto started = std::make_unique<ready_process>(argv, log_prefix);
  auto up = started->ready(10s);
  proc = std::move(started);
  registry_port = up.registry_port;
  http_port = up.http_port;
  REQUIRE(http_port != 0);
  http = std::make_unique<httplib::Client>("127.0.0.1", http_port);
  http->set_read_timeout(10, 0);
}

} // namespace drover::testing
