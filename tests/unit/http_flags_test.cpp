// The REST flags of `drover run` (http/http_flags.hpp): sizes with units,
// --http=off, the token from the environment, and errors naming the flag.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "config/flag_layers.hpp"
#include "http/http_flags.hpp"

using namespace drover;

namespace {

http_flags parsed(std::vector<const char*> args) {
  CLI::App app{"run"};
  http_flags flags;
  add_http_flags(app, flags);
  args.insert(args.begin(), "run");
  app.parse(static_cast<int>(args.size()), args.data());
  return flags;
}

} // namespace

TEST_SUITE("http_flags") {

TEST_CASE("defaults: 127.0.0.1:8080, 16 MiB, a million tasks, no token") {
  ::unsetenv("DROVER_TOKEN");
  auto f = parsed({});
  bool on = false;
  endpoint where;
  http_server_options opts;
  REQUIRE_FALSE(resolve_http_flags(f, on, where, opts));
  CHECK(on);
  CHECK(where.host == "127.0.0.1");
  CHECK(where.port == 8080);
  CHECK(opts.max_body == 16u * 1024 * 1024);
  CHECK(opts.max_tasks == 1000000);
  CHECK(opts.token.empty());
}

TEST_CASE("sizes take units, port 0 is allowed, off turns the server off") {
  auto f = parsed({"--http=0.0.0.0:0", "--max-body=512k", "--max-tasks=10", "--token=t"});
  bool on = false;
  endpoint where;
  http_server_options opts;
  REQUIRE_FALSE(resolve_http_flags(f, on, where, opts));
  CHECK(where.port == 0);
  CHECK(opts.max_body == 512u * 1024);
  CHECK(opts.max_tasks == 10);
  CHECK(opts.token == "t");
  REQUIRE_FALSE(resolve_http_flags(parsed({"--http=off"}), on, where, opts));
  CHECK_FALSE(on);
}

TEST_CASE("the token falls back to DROVER_TOKEN (the resolver of every flag)") {
  CLI::App app{"run"};
  run_options o;
  http_flags f;
  add_all_run_flags(app, o, f);
  app.parse(std::vector<std::string>{});
  std::vector<std::string> warnings;
  REQUIRE_FALSE(resolve_run_flags(app, o, {{"DROVER_TOKEN", "from-env"}}, warnings));
  CHECK(f.token == "from-env");
}

TEST_CASE("bad values name the flag") {
  bool on = false;
  endpoint where;
  http_server_options opts;
  auto err = resolve_http_flags(parsed({"--http=localhost"}), on, where, opts);
  CHECK(err.code == ec::bad_input);
  CHECK(err.message.rfind("--http: 'localhost' is not HOST:PORT", 0) == 0);
  CHECK(resolve_http_flags(parsed({"--max-tasks=0"}), on, where, opts).message
        == "--max-tasks: 0 is out of range; use 1 to 100000000");
  CHECK(resolve_http_flags(parsed({"--max-body=2GiB"}), on, where, opts).message
        == "--max-body: 2147483648 bytes is out of range; use 1 byte to 1GiB");
  CHECK_THROWS_AS(parsed({"--max-body=lots"}), CLI::ParseError);
  CHECK_THROWS_AS(parsed({"--max-body=-1"}), CLI::ValidationError); // not 2^64-1
  CHECK_THROWS_AS(parsed({"--token", ""}), CLI::ValidationError); // main splits "--token=" so
}

TEST_CASE("TLS files and connection limits: both files or neither, limits in range") {
  bool on = false;
  endpoint where;
  http_server_options opts;
  REQUIRE_FALSE(resolve_http_flags(parsed({"--http-tls-cert=c.pem", "--http-tls-key=k.pem",
                                           "--http-max-connections=64", "--http-max-per-client=8"}),
                                   on, where, opts));
  CHECK(opts.tls_cert == "c.pem");
  CHECK(opts.tls_key == "k.pem");
  CHECK(opts.max_connections == 64);
  CHECK(opts.max_per_client == 8);
  auto defaults = parsed({});
  CHECK(defaults.max_connections == 1024);
  CHECK(defaults.max_per_client == 128);
  CHECK(resolve_http_flags(parsed({"--http-tls-cert=c.pem"}), on, where, opts).message
        == "--http-tls-cert needs --http-tls-key");
  CHECK(resolve_http_flags(parsed({"--http-tls-key=k.pem"}), on, where, opts).message
        == "--http-tls-key needs --http-tls-cert");
  CHECK(resolve_http_flags(parsed({"--http-max-connections=0"}), on, where, opts).message
        == "--http-max-connections: 0 is out of range; use 1 to 100000");
  CHECK(resolve_http_flags(parsed({"--http-max-connections=10", "--http-max-per-client=11"}), on,
                           where, opts)
          .message.rfind("--http-max-per-client: 11 is out of range", 0)
        == 0);
}

}
