// The schedule endpoints (http/routes_schedules.cpp) on a real loopback
// socket over the fake backend: create, list, get, start/stop, change of
// period, delete, and every refusal with its JSON error body.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "http_fake_schedules.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;
using json = nlohmann::json;

namespace {

using server_fixture = fake_server<fake_schedules>;

const char* nightly = R"({"name": "nightly", "every": "30s", "catch_up": "all",
  "job": {"name": "report", "tasks": [{"type": "echo", "payload": "hi"}]}})";

/// A refusal: status, JSON error name and the exact detail.
void check_refused(const httplib::Result& res, int status, const std::string& name,
                   const std::string& detail) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  auto doc = body_of(res);
  CHECK(doc["error"] == name);
  CHECK(doc["detail"] == detail);
}

std::string with(const std::string& timing, const std::string& job =
                   R"({"name": "r", "tasks": [{"type": "echo"}]})") {
  return R"({"name": "s", )" + timing + R"(, "job": )" + job + "}";
}

} // namespace

TEST_SUITE("http_schedules") {

TEST_CASE_FIXTURE(server_fixture, "POST /v1/schedules creates a running schedule: 201 and its id") {
  auto res = client.Post("/v1/schedules", nightly, "application/json");
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->get_header_value("Location") == "/v1/schedules/1");
  auto doc = body_of(res);
  CHECK(doc["id"] == 1);
  CHECK(doc["name"] == "nightly");
  CHECK(doc["every"] == "30s");
  CHECK(doc["catch_up"] == "all");
  CHECK(doc["state"] == "running");
  CHECK(doc["runs"] == 0);
  CHECK(doc["next_run_ms"] == 1'700'000'030'000);
  CHECK(doc["job"]["name"] == "report");
  CHECK(doc["job"]["tasks"][0]["payload"] == "hi");
  CHECK(doc["recent_runs"].empty());
  auto cron = client.Post("/v1/schedules",
                          R"({"name": "c", "cron": "*/5 * * * *", "running": false,
                              "job": {"name": "r", "tasks": [{"type": "noop"}]}})",
                          "application/json");
  auto c = body_of(cron);
  CHECK(c["cron"] == "*/5 * * * *");
  CHECK(c["state"] == "stopped");
  CHECK(c["catch_up"] == "one");
  CHECK(c["next_run_ms"].is_null());
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/schedules lists them; GET /v1/schedules/{id} shows one") {
  REQUIRE(client.Post("/v1/schedules", nightly, "application/json")->status == 201);
  auto list = body_of(client.Get("/v1/schedules"));
  REQUIRE(list["schedules"].size() == 1);
  CHECK(list["schedules"][0]["name"] == "nightly");
  CHECK(body_of(client.Get("/v1/schedules/1"))["every"] == "30s");
  check_refused(client.Get("/v1/schedules/9"), 404, "unknown_job", "no schedule 9");
  check_refused(client.Get("/v1/schedules/x"), 400, "bad_input",
                "schedule id 'x' is not a number");
}

TEST_CASE_FIXTURE(server_fixture, "stop, start, a new period and delete") {
  REQUIRE(client.Post("/v1/schedules", nightly, "application/json")->status == 201);
  auto stopped = body_of(client.Post("/v1/schedules/1/stop"));
  CHECK(stopped["state"] == "stopped");
  CHECK(stopped["next_run_ms"].is_null());
  backend.sched_now_ms += 100'000;
  auto started = body_of(client.Post("/v1/schedules/1/start"));
  CHECK(started["state"] == "running");
  CHECK(started["next_run_ms"] == 1'700'000'130'000);
  auto changed = body_of(client.Put("/v1/schedules/1", R"({"every": "5m"})", "application/json"));
  CHECK(changed["every"] == "5m");
  CHECK(changed["next_run_ms"] == 1'700'000'400'000);
  auto patched = body_of(client.Patch("/v1/schedules/1", R"({"cron": "0 * * * *"})",
                                      "application/json"));
  CHECK(patched["cron"] == "0 * * * *");
  CHECK(patched.count("every") == 0);
  auto gone = client.Delete("/v1/schedules/1");
  REQUIRE(gone);
  CHECK(gone->status == 200);
  check_refused(client.Get("/v1/schedules/1"), 404, "unknown_job", "no schedule 1");
  check_refused(client.Post("/v1/schedules/1/start"), 404, "unknown_job", "no schedule 1");
}

TEST_CASE_FIXTURE(server_fixture, "bad schedule bodies get 400 saying what to fix, and store nothing") {
  auto post = [&](const std::string& body) {
    return client.Post("/v1/schedules", body, "application/json");
  };
  check_refused(post("{"), 400, "bad_input", "the body must be a JSON object");
  check_refused(post(with(R"("every": "30s", "cron": "* * * * *")")), 400, "bad_input",
                "give either 'every' or 'cron', not both");
  check_refused(post(R"({"name": "s", "job": {"name": "r", "tasks": [{"type": "echo"}]}})"),
                400, "bad_input",
                "a schedule needs 'every' (e.g. \"30s\") or 'cron' (e.g. \"*/5 * * * *\")");
  check_refused(post(with(R"("cron": "*/5 * * 13 *")")), 400, "bad_input",
                "cron field 4 (month) at column 9: 13 is out of range 1-12");
  check_refused(post(with(R"("every": "soon")")), 400, "bad_input",
                "every 'soon' is not a duration: write a whole number and a unit: ms, s, m, "
                "h or d (e.g. 500ms, 30s, 5m, 1h)");
  check_refused(post(with(R"("every": "30s", "catch_up": "some")")), 400, "bad_input",
                "unknown catch_up 'some' (allowed: none, one, all)");
  check_refused(post(with(R"("every": 30)")), 400, "bad_input", "every: expected a string");
  check_refused(post(with(R"("every": "30s")", R"({"name": "r", "tasks": []})")), 400,
                "bad_input", "job.tasks: must hold at least one task");
  check_refused(post(with(R"("every": "30s")", "3")), 400, "bad_input",
                "job: expected the job to run, as POST /v1/jobs takes it, e.g. {\"name\": "
                "\"report\", \"tasks\": [{\"type\": \"echo\"}]}");
  check_refused(post(R"({"name": "s", "every": "30s", "colour": 1})"), 400, "bad_input",
                "unknown field 'colour' (allowed: name, every, cron, catch_up, running, job)");
  // a job nested a million deep is refused, not written back (a stack overflow)
  check_refused(post(with(R"("every": "30s")", R"({"name": "r", "tasks": [{"type": "echo",
                "payload": )" + std::string(1'000'000, '[') + std::string(1'000'000, ']') + "}]}")),
                400, "bad_input", "the body is nested more than 100 levels deep");
  CHECK(body_of(client.Get("/v1/schedules"))["schedules"].empty());
  REQUIRE(post(nightly)->status == 201);
  check_refused(post(nightly), 409, "bad_transition",
                "a schedule named 'nightly' exists already (id 1)");
  check_refused(client.Put("/v1/schedules/1", R"({"every": "1x"})", "application/json"), 400,
                "bad_input", "every '1x' is not a duration: write a whole number and a unit: "
                             "ms, s, m, h or d (e.g. 500ms, 30s, 5m, 1h)");
  check_refused(client.Put("/v1/schedules/1", R"({"every": "1s", "name": "x"})",
                           "application/json"),
                400, "bad_input", "unknown field 'name' (allowed: every, cron)");
  CHECK(body_of(client.Get("/v1/schedules/1"))["every"] == "30s"); // unchanged
}

} // TEST_SUITE
