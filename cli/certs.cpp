// `drover certs init`: see cli/certs.hpp.
#include "cli/certs.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "core/tls_files.hpp"

namespace drover {

std::unique_ptr<certs_command> add_certs_command(CLI::App& app) {
  auto c = std::make_unique<certs_command>();
  auto* certs = app.add_subcommand("certs", "certificates for mutual TLS between nodes");
  certs->require_subcommand(1);
  c->init_cmd = certs->add_subcommand(
    "init", "make a CA (DIR/ca.pem, DIR/ca.key; reused if present) and a certificate and key per "
            "node (DIR/NAME.pem, DIR/NAME.key) for a test cluster");
  c->init_cmd->add_option("dir", c->dir, "directory to write into (created if missing)")
    ->required();
  c->init_cmd
    ->add_option("--node", c->nodes, "node names to make certificates for, comma-separated")
    ->delimiter(',')->capture_default_str();
  c->init_cmd->add_option("--days", c->days, "days the certificates stay valid")
    ->capture_default_str()->check(CLI::Range(1, 36500));
  return c;
}

std::optional<int> run_certs_command(const certs_command& c) {
  if (!c.init_cmd->parsed())
    return std::nullopt;
  if (auto err = make_test_pki(c.dir, c.nodes, c.days)) {
    std::cerr << "drover: " << err.message << "\n";
    return 2;
  }
  std::cout << "wrote " << c.dir << "/ca.pem and ca.key (keep ca.key away from the nodes)";
  for (auto& n : c.nodes)
    std::cout << ", " << n << ".pem and " << n << ".key";
  std::cout << "\nstart each node with --tls-cert=" << c.dir << "/NODE.pem --tls-key=" << c.dir
            << "/NODE.key --tls-ca=" << c.dir << "/ca.pem\n";
  return 0;
}

} // namespace drover
