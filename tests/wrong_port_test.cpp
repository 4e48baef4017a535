// Pointing a flag at the wrong port says which port is which: --server at a
// node port, --manager at the REST port, --listen/--http at a port in use.
// Real processes on 127.0.0.1, OS-picked ports, bounded waits.
#include <doctest/doctest.h>

#include "support/exec_node.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct ran {
  int code = -1;
  std::string err;
};

ran run_cli(const scratch_dir& dir, const std::string& name, std::vector<std::string> args) {
  args.insert(args.begin(), DROVER_BINARY);
  child_process p{args, dir.path + "/" + name};
  ran out;
  out.code = p.wait(30s);
  out.err = p.err();
  return out;
}

} // namespace

TEST_CASE("a flag pointed at the wrong kind of port says which port is which") {
  scratch_dir dir;
  rest_node mgr{{"--role=registry,manager", "--store=memory"}, dir.path + "/manager"};
  auto node_port = std::to_string(mgr.registry_port);
  auto http_port = std::to_string(mgr.http_port);

  auto jobs = run_cli(dir, "jobs", {"jobs", "--server=http://127.0.0.1:" + node_port,
                                    "--request-timeout=3000"});
  INFO(jobs.err);
  CHECK(jobs.code != 0);
  CHECK(jobs.err.find("that is a drover node port") != std::string::npos);
  CHECK(jobs.err.find("--http address") != std::string::npos);

  auto rules = run_cli(dir, "rules", {"rules", "get", "--manager=127.0.0.1:" + http_port,
                                      "--reconnect-timeout=20000"});
  INFO(rules.err);
  CHECK(rules.code == 2);
  CHECK(rules.err.find("is drover's REST port (--http)") != std::string::npos);
  CHECK(rules.err.find("--server=http://127.0.0.1:" + http_port) != std::string::npos);

  auto listen = run_cli(dir, "listen", {"run", "--store=memory", "--http=off",
                                        "--listen=127.0.0.1:" + node_port});
  INFO(listen.err);
  CHECK(listen.code == 2);
  CHECK(listen.err.find("port " + node_port + " on 127.0.0.1 is already in use") != std::string::npos);

  auto http = run_cli(dir, "http", {"run", "--store=memory", "--listen=127.0.0.1:0",
                                    "--http=127.0.0.1:" + http_port});
  INFO(http.err);
  CHECK(http.code == 2);
  CHECK(http.err.find("port " + http_port + " on 127.0.0.1 is already in use") != std::string::npos);

  // The right ports still work.
  CHECK(run_cli(dir, "ok", {"jobs", "--server=http://127.0.0.1:" + http_port}).code == 0);
}
