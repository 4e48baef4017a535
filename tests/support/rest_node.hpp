// A `drover run` that serves REST, for cross-process tests: registry and REST
// on free ports of 127.0.0.1, every wait bounded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/httplib_abi.hpp"
#include "tests/support/process.hpp"

namespace drover::testing {

struct rest_node {
  std::unique_ptr<child_process> proc;
  std::unique_ptr<httplib::Client> http; ///< 10 s read timeout
  uint16_t registry_port = 0;            ///< 0 if the process runs no registry
  uint16_t http_port = 0;

  /// Starts `drover run --listen=127.0.0.1:0 --http=127.0.0.1:0 --threads=2`
  /// plus `args`, logs at `log_prefix`; REQUIREs that REST is up within 10 s.
  rest_node(const std::vector<std::string>& args, const std::string& log_prefix);

  /// "http://127.0.0.1:PORT", for the command-line client's --server.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port); }
};

} // namespace drover::testing
