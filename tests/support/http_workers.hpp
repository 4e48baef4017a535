// Test support for remote HTTP workers: a `drover run` with registry and
// manager only, Python workers, and small REST helpers (tests/http_workers*_test.cpp).
#pragma once

#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "exec_node.hpp"
#include "process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace http_workers_support {
namespace { // each test file its own copy: helpers, not a library

const std::string src = DROVER_SOURCE_DIR;
using clock_type = std::chrono::steady_clock;

struct posted {
  int status = 0;
  json body;
};

posted post(httplib::Client& http, const std::string& path, const std::string& body) {
  auto res = http.Post(path.c_str(), body, "application/json");
  REQUIRE(res);
  posted out{res->status, json::parse(res->body, nullptr, false)};
  INFO(path << " " << body << " -> " << res->status << " " << res->body);
  REQUIRE_FALSE(out.body.is_discarded());
  return out;
}

posted post(httplib::Client& http, const std::string& path, const json& body) {
  return post(http, path, body.dump());
}

/// A manager with REST and no consumer of its own.
struct worker_node {
  scratch_dir dir;
  rest_node node;
  explicit worker_node(std::vector<std::string> extra = {})
    : node(args(std::move(extra)), dir.path + "/node") {}
  static std::vector<std::string> args(std::vector<std::string> extra) {
    std::vector<std::string> a{"--role=registry,manager", "--store=memory"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  httplib::Client& http() { return *node.http; }
};

/// A Python worker process; its record file lists what it ran.
struct py_worker {
  std::string record;
  std::unique_ptr<child_process> proc;
  py_worker(worker_node& n, const std::string& name, std::vector<std::string> extra = {}) {
    record = n.dir.path + "/" + name + ".record";
    std::vector<std::string> argv{"/usr/bin/python3", src + "/tests/support/http_worker.py",
                                  "--server=" + n.node.url(), "--worker=" + name,
                                  "--record=" + record};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<child_process>(argv, n.dir.path + "/" + name);
  }
  std::vector<std::string> lines() const {
    std::ifstream in(record);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
      if (!line.empty())
        out.push_back(line);
    return out;
  }
  /// Waits until the record has `n` lines; REQUIREs it within `limit`.
  void wait_lines(size_t n, std::chrono::milliseconds limit) const {
    auto until = clock_type::now() + limit;
    while (lines().size() < n && clock_type::now() < until)
      std::this_thread::sleep_for(20ms);
    INFO(proc->err());
    REQUIRE(lines().size() >= n);
  }
};

json job_of(const std::string& type, uint64_t count, const std::string& payload = "x") {
  return json{{"name", type}, {"tasks", json::array({{{"type", type}, {"payload", payload},
                                                       {"count", count}}})}};
}

json find_node(httplib::Client& http, const std::string& name) {
  auto all = get_json(http, "/v1/nodes"); // kept: a range over a temporary's member dangles
  for (auto& n : all["nodes"])
    if (n.value("node", "") == name)
      return n;
  return json{};
}

/// Waits until GET /v1/nodes lists `name`; REQUIREs it.
json wait_node(httplib::Client& http, const std::string& name, std::chrono::milliseconds limit) {
  auto until = clock_type::now() + limit;
  json n;
  while ((n = find_node(http, name)).is_null() && clock_type::now() < until)
    std::this_thread::sleep_for(20ms);
  REQUIRE_FALSE(n.is_null());
  return n;
}

/// The task's one lease as a worker polling with `types` sees it.
json poll_one(httplib::Client& http, const std::string& worker, const std::string& type,
              uint32_t wait_ms = 5000) {
  auto p = post(http, "/v1/workers/poll",
                json{{"worker", worker}, {"types", {type}}, {"max", 1}, {"wait_ms", wait_ms},
                     {"lease_ms", 3000}});
  REQUIRE(p.status == 200);
  REQUIRE(p.body["tasks"].size() == 1);
  return p.body["tasks"][0];
}

} // namespace
} // namespace http_workers_support

using namespace http_workers_support;
