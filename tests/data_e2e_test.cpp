// Multi-user data across processes: a registry+manager process
// and two consumer processes; two users on the two nodes exchange data over
// REST; one consumer is SIGKILLed mid-stream. Every acknowledged item
// arrives exactly once and in order. 127.0.0.1, OS-picked ports, bounded waits.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/httplib_abi.hpp"
#include "support/process.hpp"
#include "support/rest_node.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct data_cluster {
  scratch_dir dir;
  rest_node rest{{"--role=registry,manager", "--store=sqlite:" + dir.path + "/m.db",
                  "--grace=500", "--rules-poll=0"},
                 dir.path + "/mgr"};
  std::unique_ptr<child_process>& mgr = rest.proc;
  std::map<std::string, std::unique_ptr<child_process>> nodes;
  std::unique_ptr<httplib::Client>& http = rest.http;
  uint16_t registry_port = rest.registry_port;

  data_cluster() { REQUIRE(registry_port != 0); }

  ~data_cluster() {
    for (auto& [n, p] : nodes)
      if (p->running()) {
        p->signal(SIGTERM);
        p->wait(10s);
      }
    mgr->signal(SIGTERM);
    mgr->wait(10s);
  }

  void start_node(const std::string& name) {
    auto node = std::make_unique<ready_process>(
      std::vector<std::string>{DROVER_BINARY, "run", "--role=consumer",
                               "--registry=127.0.0.1:" + std::to_string(registry_port),
                               "--node=" + name, "--data-dir=" + dir.path, "--threads=2",
                               "--topology-every=200"},
      dir.path + "/" + name);
    node->ready(); // its mailbox has its route from the courier
    nodes[name] = std::move(node);
  }

  httplib::Result post(const std::string& path, const std::string& body,
                       const httplib::Headers& h = {}) {
    return http->Post(path.c_str(), h, body, "application/json");
  }

  json user_on(const std::string& node) {
    for (int i = 0; i < 32; ++i) {
      auto res = post("/v1/users", R"({"name":"someone"})");
      REQUIRE(res);
      REQUIRE(res->status == 201);
      auto u = json::parse(res->body);
      if (u["node"] == node)
        return u;
    }
    FAIL("no user landed on " << node);
    return {};
  }

  std::string send(const std::string& from, const std::string& to, const std::string& body) {
    auto res = post("/v1/send_data/text", body,
                    {{"USER-AGENT", from}, {"LEVEL", "normal"}, {"DES-USER", to}});
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 201);
    return json::parse(res->body)["id"];
  }

  /// One read + ack round; appends what was acknowledged. A read or ack
  /// that fails (the node died) counts nothing: it is delivered again.
  void receive(const std::string& user, std::vector<std::string>& got) {
    auto res = http->Get(("/v1/recv_data?user=" + user + "&max=50").c_str());
    if (!res || res->status != 200)
      return;
    auto b = json::parse(res->body);
    if (b["items"].empty())
      return;
    auto ack = post("/v1/recv_data/ack", json{{"user", user}, {"last", b["cursor"]}}.dump());
    if (!ack || ack->status != 200)
      return;
    for (auto& it : b["items"])
      got.push_back(it["data"].get<std::string>() + "<" + it["sender"].get<std::string>());
  }
};

std::vector<std::string> expected(const std::string& prefix, const std::string& sender, int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i)
    out.push_back(prefix + std::to_string(i) + "<" + sender);
  return out;
}

} // namespace

TEST_SUITE("data_e2e") {

TEST_CASE("two users on two nodes exchange data and a node SIGKILLed mid-stream loses nothing") {
  data_cluster c;
  c.start_node("c1");
  c.start_node("c2");
  auto alice = c.user_on("c1")["id"].get<std::string>();
  auto bob = c.user_on("c2")["id"].get<std::string>();
  const int n = 300;
  std::vector<std::string> to_alice, to_bob, ids_to_alice;
  for (int i = 1; i <= 100; ++i) {
    ids_to_alice.push_back(c.send(bob, alice, "b" + std::to_string(i)));
    c.send(alice, bob, "a" + std::to_string(i));
  }
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (to_alice.size() < 50 && std::chrono::steady_clock::now() < deadline)
    c.receive(alice, to_alice);
  REQUIRE(to_alice.size() >= 50);
  c.nodes["c1"]->signal(SIGKILL); // alice's node, with unconsumed data on it
  REQUIRE(c.nodes["c1"]->wait(5s) == 128 + SIGKILL);
  for (int i = 101; i <= n; ++i) {
    ids_to_alice.push_back(c.send(bob, alice, "b" + std::to_string(i)));
    c.send(alice, bob, "a" + std::to_string(i));
  }
  while ((to_alice.size() < n || to_bob.size() < n)
         && std::chrono::steady_clock::now() < deadline) {
    c.receive(alice, to_alice);
    c.receive(bob, to_bob);
    std::this_thread::sleep_for(20ms);
  }
  CHECK(to_alice == expected("b", bob, n));
  CHECK(to_bob == expected("a", alice, n));
  auto res = c.http->Get(("/v1/users/" + alice).c_str());
  REQUIRE(res);
  auto u = json::parse(res->body);
  CHECK(u["node"] == "c2"); // re-bound after the grace
  CHECK(u["consumed"] == n);
  CHECK(u["backlog"] == 0);
  // An item that sat on c1 unconsumed shows its whole life.
  res = c.http->Get(("/v1/tasks/" + ids_to_alice[80]).c_str());
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == 200);
  auto d = json::parse(res->body);
  CHECK(d["state"] == "consumed");
  std::vector<std::string> kinds;
  for (auto& e : d["history"])
    kinds.push_back(e["kind"]);
  CHECK(kinds.front() == "generated");
  CHECK(std::count(kinds.begin(), kinds.end(), "rebound") == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), "delivered") == 2);
  CHECK(kinds.back() == "consumed");
}

TEST_CASE("send_data refuses bad headers, unknown users and oversized data over REST") {
  data_cluster c;
  c.start_node("c1");
  auto a = c.user_on("c1")["id"].get<std::string>();
  auto res = c.post("/v1/send_data/text", "x", {{"LEVEL", "high"}, {"DES-USER", a}});
  REQUIRE(res);
  CHECK(res->status == 400); // httplib's own User-Agent is not a user id
  CHECK(res->body.find("USER-AGENT") != std::string::npos);
  res = c.post("/v1/send_data/text", "x", {{"USER-AGENT", a}, {"LEVEL", "high"},
                                             {"DES-USER", "u999"}});
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(res->body.find("u999 is not a user") != std::string::npos);
  res = c.post("/v1/send_data/text", std::string(2 << 20, 'x'),
               {{"USER-AGENT", a}, {"LEVEL", "high"}, {"DES-USER", a}});
  REQUIRE(res);
  CHECK(res->status == 413);
  res = c.http->Get(("/v1/users/" + a).c_str());
  REQUIRE(res);
  CHECK(json::parse(res->body)["backlog"] == 0); // nothing half-stored
}

} // TEST_SUITE
