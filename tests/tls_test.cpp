// Mutual TLS on node links, across real processes on 127.0.0.1: a cluster
// whose certificates the test makes with `drover certs init` runs tasks;
// peers without a certificate of the cluster's CA, replayed handshakes and
// junk on the TLS port get nothing and cost the manager no memory; rules
// over CAF need the token when the cluster has one. Every wait is bounded.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/httplib_abi.hpp"
#include "support/process.hpp"
#include "support/raw_http.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

const std::string bin = DROVER_BINARY;

/// `drover certs init DIR --node=...`; fails the test if it does not work.
void make_certs(const std::string& dir, const std::string& nodes) {
  child_process p({bin, "certs", "init", dir, "--node=" + nodes}, dir + "-init");
  REQUIRE(p.wait(60s) == 0);
}

std::vector<std::string> tls_flags(const std::string& dir, const std::string& node,
                                   const std::string& ca_dir = "") {
  return {"--tls-cert=" + dir + "/" + node + ".pem", "--tls-key=" + dir + "/" + node + ".key",
          "--tls-ca=" + (ca_dir.empty() ? dir : ca_dir) + "/ca.pem"};
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// The cluster's registry and manager in one process, on TLS with
/// `pki`/manager.pem; `extra`: more flags.
std::vector<std::string> tls_manager(const std::string& pki,
                                     const std::vector<std::string>& extra = {}) {
  return with(with({bin, "run", "--role=registry,manager", "--listen=127.0.0.1:0",
                    "--http=127.0.0.1:0", "--store=memory", "--threads=2"},
                   extra),
              tls_flags(pki, "manager"));
}

/// The registry port `mgr` listens on, from its ready file (REQUIREd within 10 s).
uint16_t registry_port_of(ready_process& mgr) {
  return mgr.ready(10s).registry_port;
}

/// Resident memory of `pid` in kB (VmRSS in /proc/PID/status); 0 if unknown.
long rss_kb(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return 0;
}

/// Sends `bytes` to the port, then reads until the peer closes or 5 s
/// pass; true if the peer closed the connection.
bool send_and_see_closed(uint16_t port, const std::string& bytes) {
  int fd = connect_loopback(port);
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  char buf[4096];
  bool closed = false;
  for (;;) {
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      closed = true;
      break;
    }
    if (n < 0) {
      closed = errno == ECONNRESET;
      break;
    }
  }
  ::close(fd);
  return closed;
}

/// A TCP relay on 127.0.0.1 for one connection to `target`, recording what
/// the client sent: a captured handshake to replay later.
struct recording_relay {
  int listener = -1;
  uint16_t port = 0;
  std::atomic<bool> stop{false};
  std::string client_bytes;
  std::thread worker;

  explicit recording_relay(uint16_t target) {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    worker = std::thread{[this, target] { run(target); }};
  }
  ~recording_relay() {
    stop = true;
    worker.join();
    ::close(listener);
  }

  void run(uint16_t target) {
    pollfd lp{listener, POLLIN, 0};
    while (!stop && ::poll(&lp, 1, 100) == 0) {
    }
    if (stop)
      return;
    int client = ::accept(listener, nullptr, nullptr);
    int server = connect_loopback(target);
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    char buf[16384];
    while (!stop) {
      if (::poll(fds, 2, 100) <= 0)
        continue;
      if (fds[0].revents) {
        auto n = ::recv(client, buf, sizeof buf, 0);
        if (n <= 0)
          break;
        client_bytes.append(buf, static_cast<size_t>(n));
        ::send(server, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
      }
      if (fds[1].revents) {
        auto n = ::recv(server, buf, sizeof buf, 0);
        if (n <= 0)
          break;
        ::send(client, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
      }
    }
    ::close(client);
    ::close(server);
  }
};

/// GET `path` on the manager's REST port (with `token` if it has one).
nlohmann::json rest_get(ready_process& mgr, const std::string& path,
                        const std::string& token = {}) {
  httplib::Client http{"127.0.0.1", mgr.ready().http_port};
  http.set_read_timeout(10, 0);
  httplib::Headers h;
  if (!token.empty())
    h.emplace("Authorization", "Bearer " + token);
  auto res = http.Get(path.c_str(), h);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return nlohmann::json::parse(res->body);
}

/// The names of the members the manager knows (GET /v1/nodes).
std::set<std::string> members_of(ready_process& mgr) {
  auto doc = rest_get(mgr, "/v1/nodes");
  std::set<std::string> out;
  for (auto& n : doc["nodes"])
    out.insert(n.value("node", std::string{}));
  return out;
}

} // namespace

TEST_SUITE("tls") {

TEST_CASE("with TLS on every node link a cluster runs its tasks, and refuses strangers") {
  scratch_dir dir;
  auto pki = dir.path + "/pki";
  auto rogue = dir.path + "/rogue";
  make_certs(pki, "manager,c1,producer");
  make_certs(rogue, "evil");
  ready_process mgr(tls_manager(pki), dir.path + "/manager");
  auto port = registry_port_of(mgr);
  REQUIRE(port != 0);
  auto registry = "--registry=127.0.0.1:" + std::to_string(port);

  // Strangers first: none of them may join.
  child_process plain({bin, "run", "--role=consumer", registry, "--node=plain", "--threads=1",
                       "--connect-timeout=1500"},
                      dir.path + "/plain");
  child_process other_ca(with({bin, "run", "--role=consumer", registry, "--node=evil",
                               "--threads=1", "--connect-timeout=1500"},
                              tls_flags(rogue, "evil")),
                         dir.path + "/evil");
  // A node certificate of the rogue CA, presented with the cluster's CA as
  // its own trust anchor: the manager still refuses it.
  child_process mixed(with({bin, "run", "--role=consumer", registry, "--node=mixed",
                            "--threads=1", "--connect-timeout=1500"},
                           {"--tls-cert=" + rogue + "/evil.pem", "--tls-key=" + rogue + "/evil.key",
                            "--tls-ca=" + rogue + "/ca.pem"}),
                      dir.path + "/mixed");
  CHECK(plain.wait(20s) == 2);
  CHECK(other_ca.wait(20s) == 2);
  CHECK(mixed.wait(20s) == 2);
  INFO("plain: " << plain.err() << "\nevil: " << other_ca.err());
  CHECK(plain.err().find("cannot reach 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(other_ca.err().find("cannot reach") != std::string::npos);

  // A real member, through a relay that records its side of the handshake.
  recording_relay relay{port};
  ready_process c1(with({bin, "run", "--role=consumer",
                         "--registry=127.0.0.1:" + std::to_string(relay.port), "--node=c1",
                         "--threads=1"},
                        tls_flags(pki, "c1")),
                   dir.path + "/c1");
  c1.ready(15s); // registered: the registry told the manager before answering
  child_process producer(with({bin, "run", "--role=producer", registry, "--tasks=200",
                               "--type=echo", "--payload=card-4111", "--threads=1"},
                              tls_flags(pki, "producer")),
                         dir.path + "/producer");
  CHECK(producer.wait(60s) == 0);
  INFO("producer: " << producer.out() << producer.err());
  CHECK(producer.out().find("200/200 done, 200 succeeded") != std::string::npos);
  c1.signal(SIGTERM);
  CHECK(c1.wait(30s) == 0); // a loaded 2-core box: its drain and exit take a while
  CHECK(executed_by(c1) == 200);
  REQUIRE(relay.client_bytes.size() > 100);

  // The captured handshake, replayed byte for byte: the server's random
  // differs, so it finishes nothing and registers no one.
  auto members_before = members_of(mgr);
  CHECK(members_before.count("c1") == 1); // the listing does show who joined
  CHECK(send_and_see_closed(port, relay.client_bytes));
  std::this_thread::sleep_for(500ms); // a join would be registered within this
  auto members = members_of(mgr);
  CHECK(members == members_before);
  for (auto* stranger : {"plain", "evil", "mixed"})
    CHECK(members.count(stranger) == 0);
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("junk and a huge BASP length prefix on the TLS port cost the manager no memory") {
  scratch_dir dir;
  auto pki = dir.path + "/pki";
  make_certs(pki, "manager");
  ready_process mgr(tls_manager(pki), dir.path + "/manager");
  auto port = registry_port_of(mgr);
  REQUIRE(port != 0);
  std::this_thread::sleep_for(300ms); // let start-up allocations settle
  auto before = rss_kb(mgr.pid());
  REQUIRE(before > 0);
  std::mt19937 rng{20};
  std::string junk(32, '\0');
  for (auto& c : junk)
    c = static_cast<char>(rng());
  // A BASP header (32 bytes) whose payload length is 0xFFFFFFFF.
  std::string basp(32, '\0');
  basp[0] = 1;
  for (int i = 4; i < 8; ++i)
    basp[i] = '\xff';
  for (int round = 0; round < 5; ++round) {
    CHECK(send_and_see_closed(port, junk));
    CHECK(send_and_see_closed(port, basp));
  }
  auto after = rss_kb(mgr.pid());
  MESSAGE("manager RSS before " << before << " kB, after 10 hostile connections " << after
                                << " kB");
  CHECK(after - before < 10 * 1024);
  CHECK(::kill(mgr.pid(), 0) == 0); // still running
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("rules over CAF need the token when the cluster has one, and TLS when it has that") {
  scratch_dir dir;
  auto pki = dir.path + "/pki";
  make_certs(pki, "manager,admin");
  auto rules = dir.path + "/r.yaml";
  std::ofstream{rules} << "version: 7\ndefaults: { strategy: round_robin }\n";
  ready_process mgr(tls_manager(pki, {"--token=s3cret"}), dir.path + "/manager");
  auto port = registry_port_of(mgr);
  REQUIRE(port != 0);
  auto at = "--manager=127.0.0.1:" + std::to_string(port);
  auto admin = tls_flags(pki, "admin");

  child_process no_token(with({bin, "rules", "apply", rules, at, "--reconnect-timeout=2000"}, admin),
                         dir.path + "/no-token");
  CHECK(no_token.wait(20s) == 1);
  INFO(no_token.err());
  CHECK(no_token.err().find("rules apply refused: the cluster runs with --token") !=
        std::string::npos);
  child_process wrong(with({bin, "rules", "get", at, "--token=guess"}, admin), dir.path + "/wrong");
  CHECK(wrong.wait(20s) == 1);
  CHECK(wrong.err().find("the token given is wrong") != std::string::npos);
  // Both refusals are in the events feed for the operator to audit, and the
  // rule set in force did not change.
  auto refusals = [&] {
    std::vector<std::string> texts;
    auto feed = rest_get(mgr, "/v1/events?since=0", "s3cret");
    for (auto& e : feed["events"])
      if (e["type"] == "admin_refused")
        texts.push_back(e["text"].get<std::string>());
    return texts;
  };
  auto audited = refusals();
  REQUIRE(audited.size() == 2);
  CHECK(audited[0].find("refused rules apply from") != std::string::npos);
  CHECK(audited[0].find("no token") != std::string::npos);
  CHECK(audited[1].find("refused rules get from") != std::string::npos);
  CHECK(audited[1].find("a wrong token") != std::string::npos);
  CHECK(rest_get(mgr, "/v1/rules", "s3cret")["version"] != 7);

  child_process no_tls({bin, "rules", "apply", rules, at, "--token=s3cret",
                        "--reconnect-timeout=1000"},
                       dir.path + "/no-tls");
  CHECK(no_tls.wait(20s) == 1);
  CHECK(no_tls.err().find("cannot reach") != std::string::npos);
  CHECK(rest_get(mgr, "/v1/rules", "s3cret")["version"] != 7);

  child_process ok(with({bin, "rules", "apply", rules, at, "--token=s3cret"}, admin),
                   dir.path + "/ok");
  CHECK(ok.wait(20s) == 0);
  INFO(ok.err());
  CHECK(ok.out().find("version 7") != std::string::npos);
  // The manager serves the new set (read back through its public query).
  child_process get(with({bin, "rules", "get", at, "--token=s3cret"}, admin), dir.path + "/get");
  CHECK(get.wait(20s) == 0);
  CHECK(get.out().find("version 7") != std::string::npos);
  CHECK(rest_get(mgr, "/v1/rules", "s3cret")["version"] == 7); // what the refusals kept out
  mgr.signal(SIGTERM);
  CHECK(mgr.wait(10s) == 0);
}

TEST_CASE("a registry on a non-loopback address needs TLS or --insecure") {
  scratch_dir dir;
  child_process open_port({bin, "run", "--role=registry,manager", "--listen=0.0.0.0:0",
                           "--http=off", "--store=memory"},
                          dir.path + "/open");
  CHECK(open_port.wait(10s) == 2);
  CHECK(open_port.err().find("--listen=0.0.0.0:0 is reachable from other machines") !=
        std::string::npos);
  CHECK(open_port.err().find("--insecure") != std::string::npos);
  CHECK(open_port.err().find("registry listening") == std::string::npos);
  ready_process insecure({bin, "run", "--role=registry,manager", "--listen=0.0.0.0:0",
                          "--http=off", "--store=memory", "--insecure", "--threads=1"},
                         dir.path + "/insecure");
  CHECK(insecure.ready(10s).registry_port != 0);
  insecure.signal(SIGTERM);
  CHECK(insecure.wait(10s) == 0);
}

} // TEST_SUITE
