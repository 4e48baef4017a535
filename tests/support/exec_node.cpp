#include "tests/support/exec_node.hpp"

#include <doctest/doctest.h>

#include <thread>

namespace drover::testing {

json get_json(httplib::Client& http, const std::string& path) {
  auto res = http.Get(path.c_str());
  REQUIRE(res);
  INFO(path << " -> " << res->body);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

json submit_job(httplib::Client& http, const json& body) {
  auto res = http.Post("/v1/jobs", body.dump(), "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  return json::parse(res->body);
}

json wait_job(httplib::Client& http, uint64_t job, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  json j;
  while (std::chrono::steady_clock::now() < until) {
    j = get_json(http, "/v1/jobs/" + std::to_string(job));
    if (j.value("finished", false))
      return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(j.dump());
  FAIL("job " << job << " did not finish in time");
  return j;
}

json wait_task_state(httplib::Client& http, const std::string& id, const std::string& state,
                     std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  json t;
  while (std::chrono::steady_clock::now() < until) {
    t = get_json(http, "/v1/tasks/" + id);
    if (t.value("state", "") == state)
      return t;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  INFO(t.dump());
  FAIL("task " << id << " did not reach " << state << " in time");
  return t;
}

bool has_event(const json& task, const std::string& event) {
  for (auto& e : task.value("history", json::array()))
    if (e.value("event", "") == event)
      return true;
  return false;
}

} // namespace drover::testing
