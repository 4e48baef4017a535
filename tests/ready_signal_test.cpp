// The readiness contract of `drover run`: --ready-file and --ready-fd carry
// one JSON document (pid, bound addresses and ports, node) once every role
// is up, and the ports in it are the ones really bound. A service manager or
// a parent process reads the fd until end of file; a bad fd is refused
// before anything starts.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "http/httplib_abi.hpp"
#include "support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

/// Everything readable from `fd` until end of file, waiting at most
/// `limit`; what came so far if the limit passed first.
std::string read_to_eof(int fd, std::chrono::milliseconds limit, bool& eof) {
  std::string out;
  eof = false;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    char buf[512];
    auto n = ::read(fd, buf, sizeof buf);
    if (n == 0) {
      eof = true;
      break;
    }
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

TEST_SUITE("readiness") {

TEST_CASE("--ready-fd gets the same JSON as --ready-file once the roles are up, then EOF") {
  scratch_dir dir;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::fcntl(fds[0], F_SETFD, FD_CLOEXEC); // only the write end goes to drover
  auto file = dir.path + "/node.ready";
  child_process node({DROVER_BINARY, "run", "--listen=127.0.0.1:0", "--http=127.0.0.1:0",
                      "--store=memory", "--node=n1", "--threads=2",
                      "--ready-fd=" + std::to_string(fds[1]), "--ready-file=" + file},
                     dir.path + "/node");
  ::close(fds[1]); // drover's copy is the only writer left
  bool eof = false;
  auto text = read_to_eof(fds[0], 15s, eof);
  ::close(fds[0]);
  INFO("fd said: " << text << "\nstderr: " << node.err());
  REQUIRE(eof); // written whole, then closed
  auto doc = json::parse(text, nullptr, false);
  REQUIRE(doc.is_object());
  CHECK(doc["pid"] == node.pid());
  CHECK(doc["node"] == "n1");
  auto http_port = doc["ports"]["http"].get<int>();
  auto registry_port = doc["ports"]["registry"].get<int>();
  CHECK(http_port > 0);
  CHECK(registry_port > 0);
  CHECK(doc["http"] == "127.0.0.1:" + std::to_string(http_port));
  CHECK(doc["registry"] == "127.0.0.1:" + std::to_string(registry_port));
  CHECK(json::parse(slurp(file), nullptr, false) == doc); // one document, two carriers
  // What the manager found in its (empty) store; nothing about an exit yet.
  REQUIRE(doc["recovered"].is_object());
  CHECK(doc["recovered"]["jobs"] == 0);
  CHECK(doc["recovered"]["unfinished"] == 0);
  CHECK(doc["recovered"]["leased"] == 0);
  CHECK(doc["exited"].is_null());
  // Ready means serving: the REST port answers at once.
  httplib::Client http{"127.0.0.1", static_cast<uint16_t>(http_port)};
  http.set_read_timeout(5, 0);
  auto res = http.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  node.signal(SIGTERM);
  CHECK(node.wait(10s) == 0);
  // On its way out the file is written once more, saying how it ended.
  auto last = json::parse(slurp(file), nullptr, false);
  REQUIRE(last["exited"].is_object());
  CHECK(last["exited"]["code"] == 0);
  CHECK(last["exited"]["executed"] == 0); // it runs a consumer, which got no task
  CHECK(last["pid"] == doc["pid"]);
}

TEST_CASE("a consumer's ready JSON has no ports of its own and null addresses") {
  scratch_dir dir;
  ready_process mgr({DROVER_BINARY, "run", "--role=registry,manager", "--listen=127.0.0.1:0",
                     "--http=off", "--store=memory", "--threads=1"},
                    dir.path + "/manager");
  auto registry = mgr.registry_flag();
  ready_process c({DROVER_BINARY, "run", "--role=consumer", registry, "--node=c1", "--threads=1"},
                  dir.path + "/c1");
  auto up = c.ready();
  CHECK(up.pid == c.pid());
  CHECK(up.node == "c1");
  CHECK(up.registry_port == 0);
  CHECK(up.http_port == 0);
  auto doc = json::parse(slurp(dir.path + "/c1.ready"), nullptr, false);
  CHECK(doc["registry"].is_null());
  CHECK(doc["http"].is_null());
  CHECK(doc["recovered"].is_null()); // no manager here
  c.signal(SIGTERM);
  CHECK(c.wait(10s) == 0);
  CHECK(executed_by(c) == 0);
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
  auto last = json::parse(slurp(dir.path + "/manager.ready"), nullptr, false);
  REQUIRE(last["exited"].is_object());
  CHECK(last["exited"]["executed"].is_null()); // it ran no consumer
}

TEST_CASE("a --ready-fd that is not open for writing is refused before anything starts") {
  scratch_dir dir;
  int ro = ::open("/dev/null", O_RDONLY); // inherited by the child: no CLOEXEC
  REQUIRE(ro >= 0);
  child_process closed({DROVER_BINARY, "run", "--listen=127.0.0.1:0", "--http=off",
                        "--store=memory", "--ready-fd=987"},
                       dir.path + "/closed");
  child_process read_only({DROVER_BINARY, "run", "--listen=127.0.0.1:0", "--http=off",
                           "--store=memory", "--ready-fd=" + std::to_string(ro)},
                          dir.path + "/read-only");
  child_process negative({DROVER_BINARY, "run", "--listen=127.0.0.1:0", "--http=off",
                          "--store=memory", "--ready-fd=-1"},
                         dir.path + "/negative");
  ::close(ro);
  CHECK(closed.wait(10s) == 2);
  CHECK(closed.err().find("--ready-fd: 987 is not an open file descriptor") != std::string::npos);
  CHECK(read_only.wait(10s) == 2);
  CHECK(read_only.err().find("is open read-only") != std::string::npos);
  CHECK(negative.wait(10s) == 2);
  CHECK(negative.err().find("--ready-fd: '-1' is not a file descriptor") != std::string::npos);
  for (auto* p : {&closed, &read_only, &negative}) // nothing was bound
    CHECK(p->err().find("listening on") == std::string::npos);
}

} // TEST_SUITE
