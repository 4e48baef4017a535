// Node status and commands across processes: a
// registry+manager process serving REST and a consumer process started
// with --config; commands are POSTed over HTTP and seen done. 127.0.0.1
// only, OS-picked ports, every wait bounded, only our own PIDs killed.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/httplib_abi.hpp"
#include "support/process.hpp"
#include "support/rest_node.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct two_process_fixture {
  scratch_dir dir;
  std::string config = dir.path + "/consumer.yaml";
  rest_node rest{{"--role=registry,manager", "--store=memory", "--idle-after=0"},
                 dir.path + "/manager"};
  std::unique_ptr<child_process>& manager = rest.proc;
  std::unique_ptr<child_process> consumer, producer;
  std::unique_ptr<httplib::Client>& http = rest.http;

  two_process_fixture() {
    auto reg = rest.registry_port;
    REQUIRE(reg != 0);
    write_config(3);
    auto c = std::make_unique<ready_process>(
      std::vector<std::string>{DROVER_BINARY, "run", "--role=consumer",
                               "--registry=127.0.0.1:" + std::to_string(reg), "--node=cx",
                               "--config=" + config, "--status-every=200", "--threads=2"},
      dir.path + "/consumer");
    c->ready();
    consumer = std::move(c);
    auto p = std::make_unique<ready_process>(
      std::vector<std::string>{DROVER_BINARY, "run", "--role=producer",
                               "--registry=127.0.0.1:" + std::to_string(reg), "--node=px",
                               "--status-every=200", "--threads=2"},
      dir.path + "/producer");
    p->ready();
    producer = std::move(p);
  }

  ~two_process_fixture() {
    producer->signal(SIGTERM);
    producer->wait(10s);
    consumer->signal(SIGTERM);
    consumer->wait(10s);
    manager->signal(SIGTERM);
    manager->wait(10s);
  }

  void write_config(uint32_t capacity) {
    std::ofstream{config} << "tags: [cpu]\ncapacity: " << capacity << "\n";
  }

  json get(const std::string& path, int want = 200) {
    auto res = http->Get(path.c_str());
    REQUIRE(res);
    INFO(path << " -> " << res->body);
    CHECK(res->status == want);
    return json::parse(res->body, nullptr, false);
  }

  json post_command(const std::string& node, const std::string& body, int want) {
    auto res = http->Post(("/v1/nodes/" + node + "/commands").c_str(), body, "application/json");
    REQUIRE(res);
    INFO(res->body);
    CHECK(res->status == want);
    return json::parse(res->body, nullptr, false);
  }

  /// Polls GET /v1/nodes/cx/commands until command `id` is finished (at most 10 s).
  json wait_finished(uint64_t id) {
    for (int i = 0; i < 200; ++i) {
      auto doc = get("/v1/nodes/cx/commands"); // keep it alive while iterating
      for (auto& c : doc["commands"])
        if (c["id"] == id && (c["state"] == "done" || c["state"] == "failed"))
          return c;
      std::this_thread::sleep_for(50ms);
    }
    FAIL("command " << id << " did not finish in 10 s");
    return {};
  }

  json entry_of(const std::string& node) {
    auto doc = get("/v1/nodes");
    for (auto& n : doc["nodes"])
      if (n["node"] == node)
        return n;
    return {};
  }
  json consumer_entry() { return entry_of("cx"); }
};

} // namespace

TEST_SUITE("nodes across processes") {

TEST_CASE_FIXTURE(two_process_fixture, "a consumer process reports status and runs commands POSTed over REST") {
  json status;
  for (int i = 0; i < 200 && status.is_null(); ++i) {
    status = get("/v1/nodes/cx/status")["reports"].empty() ? json{} : consumer_entry()["status"];
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE_FALSE(status.is_null());
  CHECK(status["memory_percent"].get<double>() > 0);
  CHECK(status["disk_percent"].get<double>() > 0);
  CHECK(status.contains("net_in_bytes_per_s"));
  CHECK(status["user_backlog"] == 0);

  auto drain = post_command("cx", R"({"command": "drain"})", 202);
  CHECK(drain["state"] == "queued");
  CHECK(wait_finished(drain["id"])["state"] == "done");
  CHECK(consumer_entry()["mode"] == "draining");

  write_config(7);
  auto update = post_command("cx", R"({"command": "update"})", 202);
  CHECK(wait_finished(update["id"])["state"] == "done");
  for (int i = 0; i < 100 && consumer_entry()["capacity"] != 7; ++i)
    std::this_thread::sleep_for(50ms);
  CHECK(consumer_entry()["capacity"] == 7);
  CHECK(consumer_entry()["tags"] == json::array({"cpu"}));

  auto restart = post_command("cx", R"({"command": "restart"})", 202);
  auto done = wait_finished(restart["id"]);
  CHECK(done["state"] == "done");
  CHECK(done["reason"] == "restarted");
  CHECK(consumer->running()); // the supervisor restarted the role, not the process

  auto wake = post_command("cx", R"({"command": "wake"})", 202);
  CHECK(wait_finished(wake["id"])["state"] == "done");
  CHECK(consumer_entry()["mode"] == "awake");

  post_command("nobody", R"({"command": "drain"})", 404);
  post_command("cx", R"({"command": "explode"})", 400);
  get("/v1/nodes/cx/status?since=x", 400);
  json producer_status;
  for (int i = 0; i < 200 && producer_status.is_null(); ++i) {
    producer_status = entry_of("px")["status"];
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE_FALSE(producer_status.is_null()); // producers report too
  CHECK(producer_status["memory_percent"].get<double>() > 0);
  post_command("px", R"({"command": "drain"})", 400); // but take no commands
  auto metrics = http->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("drover_node_cpu_percent{node=\"cx\"}") != std::string::npos);
}

}
