#include "tests/support/rest_node.hpp"

#include <doctest/doctest.h>

namespace drover::testing {

rest_node::rest_node(const std::vector<std::string>& args, const std::string& log_prefix) {
  using namespace std::chrono_literals;
  std::vector<std::string> argv{DROVER_BINARY, "run", "--listen=127.0.0.1:0",
                                "--http=127.0.0.1:0", "--threads=2"};
  argv.insert(argv.end(), args.begin(), args.end());
  proc = std::make_unique<child_process>(argv, log_prefix);
  REQUIRE(proc->wait_for_err("http listening on", 10s));
  registry_port = listening_port(proc->err(), "registry");
  http_port = listening_port(proc->err(), "http");
  REQUIRE(http_port != 0);
  http = std::make_unique<httplib::Client>("127.0.0.1", http_port);
  http->set_read_timeout(10, 0);
}

} // namespace drover::testing
