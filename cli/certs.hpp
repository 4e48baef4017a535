// `drover certs init DIR [--node=NAME ...]`: a CA and node certificates for
// a test cluster's mutual TLS (core/tls_files.hpp does the work).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace drover {

struct certs_command {
  CLI::App* init_cmd = nullptr;
  std::string dir;
  std::vector<std::string> nodes{"node"};
  int days = 365;
};

/// Adds `certs init` to `app`.
std::unique_ptr<certs_command> add_certs_command(CLI::App& app);

/// The exit code if `certs init` was given (0 made, 2 refused), else nullopt.
std::optional<int> run_certs_command(const certs_command& c);

} // namespace drover
