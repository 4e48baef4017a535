// The REST server (http/server.hpp) on a real loopback socket over a fake
// backend: every endpoint, and every refusal (400, 401, 404, 405, 409, 413,
// 422, 503) with its JSON error body.
#include <doctest/doctest.h>

#include <condition_variable>
#include <future>
#include <string>

#include <nlohmann/json.hpp>

#include "http_fake_jobs.hpp"
#include "http_fake_monitor.hpp"
#include "http_fake_nodes.hpp"
#include "http_fake_rules.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;
using json = nlohmann::json;

namespace {

using server_fakes = fakes<fake_jobs, fake_rules, fake_nodes, fake_monitor>;
using server_fixture = fake_server<server_fakes>;
using token_fixture = token_server<server_fakes>;

/// Small limits, to test 413 without megabytes.
struct small_limits_fixture : fake_server<server_fakes> {
  small_limits_fixture() : fake_server<server_fakes>(options()) {}
  static http_server_options options() {
    http_server_options o;
    o.max_body = 1024;
    o.max_tasks = 5;
    return o;
  }
};

const char* two_tasks = R"({"name": "etl", "group": "g", "tasks": [
  {"type": "echo", "payload": "hi", "priority": "high", "tags": ["gpu"]},
  {"type": "noop"}]})";

/// Checks a refusal: its status, JSON error name, and a detail containing `part`.
void check_refused(const httplib::Result& res, int status, const std::string& name,
                   const std::string& part) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  auto doc = body_of(res);
  CHECK(doc["error"] == name);
  CHECK(doc["detail"].get<std::string>().find(part) != std::string::npos);
}

} // namespace

TEST_SUITE("http_server") {

TEST_CASE_FIXTURE(server_fixture, "POST /v1/jobs stores the job and answers 201 with its ids") {
  auto res = client.Post("/v1/jobs", two_tasks, "application/json");
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->get_header_value("Location") == "/v1/jobs/1");
  auto doc = body_of(res);
  CHECK(doc["job_id"] == 1);
  CHECK(doc["task_ids"] == json::array({"m1_1700000000000_1", "m1_1700000000000_2"}));
  REQUIRE(backend.submitted.size() == 1);
  auto& req = backend.submitted[0];
  CHECK(req.name == "etl");
  CHECK(req.group == "g");
  CHECK(req.tasks[0].prio == priority::high);
  CHECK(req.tasks[0].tags == std::vector<std::string>{"gpu"});
}

TEST_CASE_FIXTURE(server_fixture, "a repeated idempotency key answers the stored job with 200") {
  httplib::Headers key{{"Idempotency-Key", "order-42"}};
  auto first = client.Post("/v1/jobs", key, two_tasks, "application/json");
  REQUIRE(first);
  CHECK(first->status == 201);
  CHECK(body_of(first)["existing"] == false);
  auto again = client.Post("/v1/jobs", key, two_tasks, "application/json");
  REQUIRE(again);
  CHECK(again->status == 200);
  auto doc = body_of(again);
  CHECK(doc["existing"] == true);
  CHECK(doc["job_id"] == body_of(first)["job_id"]);
  CHECK(doc["task_ids"] == body_of(first)["task_ids"]);
  CHECK(backend.jobs.size() == 1); // stored once
  // The body's key is the same key.
  auto in_body = client.Post("/v1/jobs",
                             R"({"name": "etl", "idempotency_key": "order-42",
                                 "tasks": [{"type": "noop"}]})", "application/json");
  REQUIRE(in_body);
  CHECK(in_body->status == 200);
  CHECK(backend.jobs.size() == 1);
  CHECK(backend.submitted.back().origin == "order-42");
}

TEST_CASE_FIXTURE(server_fixture, "a header and a body key that differ are refused") {
  httplib::Headers key{{"Idempotency-Key", "a"}};
  check_refused(client.Post("/v1/jobs", key,
                            R"({"name": "j", "idempotency_key": "b", "tasks": [{"type": "x"}]})",
                            "application/json"),
                400, "bad_input", "differ");
  check_refused(client.Post("/v1/jobs",
                            R"({"name": "j", "idempotency_key": "b", "origin": "c",
                                "tasks": [{"type": "x"}]})", "application/json"),
                400, "bad_input", "idempotency_key");
  httplib::Headers two{{"Idempotency-Key", "a"}, {"Idempotency-Key", "b"}};
  check_refused(client.Post("/v1/jobs", two, two_tasks, "application/json"), 400, "bad_request",
                "header Idempotency-Key appears 2 times; send it once");
  httplib::Headers long_key{{"Idempotency-Key", std::string(513, 'k')}};
  check_refused(client.Post("/v1/jobs", long_key, two_tasks, "application/json"), 400,
                "bad_input", "the Idempotency-Key header: 513 bytes is too long; at most 512");
  httplib::Headers latin1{{"Idempotency-Key", "caf\xe9"}};
  check_refused(client.Post("/v1/jobs", latin1, two_tasks, "application/json"), 400,
                "bad_input", "the Idempotency-Key header: is not UTF-8 text");
  CHECK(backend.jobs.empty());
  auto no_key = client.Post("/v1/jobs", R"({"name": "j", "idempotency_key": "",
                                             "tasks": [{"type": "x"}]})", "application/json");
  REQUIRE(no_key);
  CHECK(no_key->status == 201); // an empty body key is no key
  CHECK(backend.submitted.back().origin.empty());
}

TEST_CASE_FIXTURE(server_fixture, "POST /v1/jobs/{id}/seal answers the sealed job, 404 for none") {
  REQUIRE(client.Post("/v1/jobs", two_tasks, "application/json")->status == 201);
  auto res = client.Post("/v1/jobs/1/seal");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto doc = body_of(res);
  CHECK(doc["sealed"] == true);
  CHECK(doc["push"] == "complete");
  check_refused(client.Post("/v1/jobs/9/seal"), 404, "unknown_job", "no job 9");
}

TEST_CASE_FIXTURE(server_fixture, "bad job bodies get 400 naming the problem, and store nothing") {
  check_refused(client.Post("/v1/jobs", R"({"name": "j", "tasks": [)", "application/json"), 400,
                "bad_input", "body: malformed JSON");
  check_refused(client.Post("/v1/jobs", R"({"name": "j", "tasks": [{"type": "a"}, {"type": 5}]})",
                            "application/json"),
                400, "bad_input", "tasks[1].type: expected a string, got 5");
  check_refused(client.Post("/v1/jobs", R"({"name": "j", "color": 1, "tasks": [{"type": "a"}]})",
                            "application/json"),
                400, "bad_input", R"(unknown field "color")");
  CHECK(backend.submitted.empty());
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/jobs pages through jobs by id") {
  for (int i = 0; i < 3; ++i)
    REQUIRE(client.Post("/v1/jobs", two_tasks, "application/json")->status == 201);
  auto doc = body_of(client.Get("/v1/jobs?offset=1&limit=1"));
  CHECK(doc["total"] == 3);
  CHECK(doc["offset"] == 1);
  REQUIRE(doc["jobs"].size() == 1);
  CHECK(doc["jobs"][0]["id"] == 2);
  CHECK(body_of(client.Get("/v1/jobs"))["jobs"].size() == 3);
  check_refused(client.Get("/v1/jobs?limit=0"), 400, "bad_input", "limit: expected an integer from 1 to 1000");
  check_refused(client.Get("/v1/jobs?page=2"), 400, "bad_input", "unknown query parameter 'page'");
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/jobs/{id} reports counts per state, times and rate") {
  REQUIRE(client.Post("/v1/jobs", two_tasks, "application/json")->status == 201);
  backend.progress_per_poll = 1;
  auto doc = body_of(client.Get("/v1/jobs/1"));
  CHECK(doc["name"] == "etl");
  CHECK(doc["total"] == 2);
  CHECK(doc["done"] == 1);
  CHECK(doc["finished"] == false);
  CHECK(doc["counts"]["PENDING"] == 1);
  CHECK(doc["counts"]["SUCCEEDED"] == 1);
  CHECK(doc["created_ms"] == 1700000000000);
  CHECK(doc["started_ms"] == 1700000000000);
  CHECK(doc["rate"].is_number());
  auto done = body_of(client.Get("/v1/jobs/1"));
  CHECK(done["finished"] == true);
  CHECK(done["finished_ms"] == 1700000001000);
  CHECK(done["rate"] == doctest::Approx(2.0)); // 2 tasks in 1 s
  check_refused(client.Get("/v1/jobs/99"), 404, "unknown_job", "no job 99");
  check_refused(client.Get("/v1/jobs/abc"), 400, "bad_input", "job id 'abc' is not a number");
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/tasks/{id} takes the external or the plain id") {
  REQUIRE(client.Post("/v1/jobs", two_tasks, "application/json")->status == 201);
  auto doc = body_of(client.Get("/v1/tasks/m1_1700000000000_1"));
  CHECK(doc["id"] == "m1_1700000000000_1");
  CHECK(doc["job_id"] == 1);
  CHECK(doc["type"] == "echo");
  CHECK(doc["state"] == "PENDING");
  CHECK(doc["version"] == 0);
  CHECK(doc["attempt"] == 1);
  REQUIRE(doc["history"].size() == 1);
  CHECK(doc["history"][0]["event"] == "created");
  CHECK(body_of(client.Get("/v1/tasks/2"))["type"] == "noop");
  check_refused(client.Get("/v1/tasks/77"), 404, "unknown_task", "no task 77");
  check_refused(client.Get("/v1/tasks/x_y_z"), 400, "bad_input", "task id 'x_y_z'");
  // A full id names one task: another node's or time's id with the same
  // number is not this task (a fresh store numbers from 1 again).
  check_refused(client.Get("/v1/tasks/m1_1600000000000_1"), 404, "unknown_task",
                "no task m1_1600000000000_1 here");
  check_refused(client.Get("/v1/tasks/m2_1700000000000_1"), 404, "unknown_task",
                "is m1_1700000000000_1");
  check_refused(client.Post("/v1/tasks/m2_1700000000000_1/cancel"), 404, "unknown_task",
                "another manager's or store's task");
  CHECK(body_of(client.Get("/v1/tasks/1"))["state"] == "PENDING"); // not cancelled
  CHECK(client.Post("/v1/tasks/m1_1700000000000_1/cancel")->status == 200);
}

TEST_CASE_FIXTURE(server_fixture, "cancel moves a task or a job's open tasks to CANCELLED") {
  REQUIRE(client.Post("/v1/jobs", two_tasks, "application/json")->status == 201);
  auto res = client.Post("/v1/tasks/1/cancel");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto doc = body_of(res);
  CHECK(doc["state"] == "CANCELLED");
  CHECK(doc["version"] == 1);
  check_refused(client.Post("/v1/tasks/1/cancel"), 409, "bad_transition", "already CANCELLED");
  auto job = body_of(client.Post("/v1/jobs/1/cancel"));
  CHECK(job["cancelled"] == 1);
  CHECK(body_of(client.Get("/v1/jobs/1"))["counts"]["CANCELLED"] == 2);
  auto history = body_of(client.Get("/v1/tasks/1"))["history"];
  CHECK(history.back()["event"] == "cancelled");
  check_refused(client.Post("/v1/jobs/5/cancel"), 404, "unknown_job", "no job 5");
}

TEST_CASE_FIXTURE(server_fixture, "PUT /v1/rules swaps valid rules and refuses bad ones with 422") {
  auto good = "version: 2\ndefaults: { strategy: round_robin }\nrules: []\n";
  auto res = client.Put("/v1/rules", good, "application/yaml");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto doc = body_of(res);
  CHECK(doc["version"] == 2);
  CHECK(doc["hash"].get<std::string>().size() == 16);
  CHECK(body_of(client.Get("/v1/rules"))["text"] == good);

  auto bad = "version: 3\nrules:\n  - name: x\n    strategy: fastestt\n    colour: red\n";
  auto refused = client.Put("/v1/rules", bad, "application/yaml");
  check_refused(refused, 422, "invalid_rules", "<rest>:4:");
  auto errors = body_of(refused)["errors"];
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].get<std::string>().rfind("<rest>:4:15: ", 0) == 0);
  CHECK(errors[1].get<std::string>().rfind("<rest>:5:", 0) == 0);
  CHECK(body_of(client.Get("/v1/rules"))["version"] == 2); // the old set stays
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/nodes lists members with role, state, load and heartbeat") {
  node_info n;
  n.member = member_info{"c1", member_role::consumer, {"gpu"}, 64, "", "127.0.0.1:5000"};
  n.inflight = 16;
  n.last_heartbeat_ms = 1700000000500;
  n.state = node_state::lost;
  backend.node_list = {n};
  auto doc = body_of(client.Get("/v1/nodes"));
  REQUIRE(doc["nodes"].size() == 1);
  auto& c1 = doc["nodes"][0];
  CHECK(c1["node"] == "c1");
  CHECK(c1["role"] == "consumer");
  CHECK(c1["state"] == "lost");
  CHECK(c1["tags"] == json::array({"gpu"}));
  CHECK(c1["load"] == doctest::Approx(0.25));
  CHECK(c1["last_heartbeat_ms"] == 1700000000500);
}

TEST_CASE_FIXTURE(server_fixture, "healthz is 200 when ready, 503 when not or when the manager is gone") {
  CHECK(body_of(client.Get("/healthz"))["status"] == "ok");
  backend.healthy.ready = false;
  CHECK(client.Get("/healthz")->status == 503);
  error gone{ec::unreachable, "the manager did not answer within 5000 ms"};
  backend.fake_monitor::fail_all = gone; // every feature asks the manager
  backend.fake_jobs::fail_all = gone;
  backend.fake_nodes::fail_all = gone;
  auto res = client.Get("/healthz");
  CHECK(res->status == 503);
  CHECK(body_of(res)["status"] == "unavailable");
  check_refused(client.Get("/v1/jobs/1"), 503, "unreachable", "did not answer");
  CHECK(client.Get("/v1/nodes")->get_header_value("Retry-After") == "1");
}

TEST_CASE_FIXTURE(server_fixture, "unknown paths get 404 and known paths with another method 405") {
  check_refused(client.Get("/v1/nothing"), 404, "not_found", "no endpoint GET /v1/nothing");
  auto res = client.Delete("/v1/jobs");
  check_refused(res, 405, "method_not_allowed", "use GET, POST");
  CHECK(res->get_header_value("Allow") == "GET, POST");
}

TEST_CASE_FIXTURE(token_fixture, "with a token every /v1 call and /metrics need it, /healthz does not") {
  auto res = client.Get("/v1/jobs");
  check_refused(res, 401, "unauthorized", "Bearer");
  CHECK(res->get_header_value("WWW-Authenticate") == "Bearer");
  check_refused(client.Post("/v1/jobs", two_tasks, "application/json"), 401, "unauthorized", "token");
  check_refused(client.Get("/v1/nothing"), 401, "unauthorized", "token");
  check_refused(client.Get("/metrics"), 401, "unauthorized", "token");
  CHECK(client.Get("/healthz")->status == 200);
  client.set_bearer_token_auth("wrong!");
  check_refused(client.Get("/v1/jobs"), 401, "unauthorized", "token");
  client.set_bearer_token_auth("s3cret");
  CHECK(client.Get("/v1/jobs")->status == 200);
  CHECK(client.Post("/v1/jobs", two_tasks, "application/json")->status == 201);
  CHECK(backend.submitted.size() == 1);
}

TEST_CASE_FIXTURE(small_limits_fixture, "a body or a list over the limit gets 413 and stores nothing") {
  std::string big = R"({"name": "j", "tasks": [{"type": "noop", "payload": ")"
                    + std::string(2000, 'x') + R"("}]})";
  check_refused(client.Post("/v1/jobs", big, "application/json"), 413, "body_too_large",
                "limit of 1024 bytes");
  check_refused(client.Put("/v1/rules", std::string(2000, '#'), "application/yaml"), 413,
                "body_too_large", "--max-body");
  check_refused(client.Post("/v1/jobs", R"({"name": "j", "tasks": [{"type": "a", "count": 6}]})",
                            "application/json"),
                413, "too_many_tasks", "limit of 5 per job");
  CHECK(backend.submitted.empty());
  CHECK(client.Post("/v1/jobs", R"({"name": "j", "tasks": [{"type": "a", "count": 5}]})",
                    "application/json")->status == 201);
}

TEST_CASE_FIXTURE(small_limits_fixture, "a chunked body is refused with 411: it must have a length") {
  auto res = client.Post(
    "/v1/jobs",
    [](size_t, httplib::DataSink& sink) {
      std::string chunk(512, ' ');
      sink.write(chunk.data(), chunk.size());
      sink.done();
      return true;
    },
    "application/json");
  if (res) // the server may close before the client has sent it all
    check_refused(res, 411, "length_required", "Content-Length");
  CHECK(backend.submitted.empty());
}

TEST_CASE("a slow backend call does not hold up other requests") {
  // health() blocks until released; nodes() must still answer meanwhile,
  // which shows requests run on the server's pool, several at once.
  struct slow_backend : fakes<fake_nodes, fake_monitor> {
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    result<health_info> health() override {
      std::unique_lock<std::mutex> lock{m};
      cv.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
      return health_info{};
    }
  } backend;
  http_server server{bundle_of(backend)};
  REQUIRE_FALSE(server.start("127.0.0.1", 0));
  httplib::Client slow{"127.0.0.1", server.port()};
  auto pending = std::async(std::launch::async, [&] { return slow.Get("/healthz"); });
  httplib::Client fast{"127.0.0.1", server.port()};
  fast.set_read_timeout(std::chrono::seconds(5));
  auto res = fast.Get("/v1/nodes");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(pending.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  {
    std::lock_guard<std::mutex> lock{backend.m};
    backend.release = true;
  }
  backend.cv.notify_all();
  auto slow_res = pending.get();
  REQUIRE(slow_res);
  CHECK(slow_res->status == 200);
}

TEST_CASE("start reports an address it cannot bind, and a second start") {
  fake_monitor backend;
  http_server first{bundle_of(backend)};
  REQUIRE_FALSE(first.start("127.0.0.1", 0));
  http_server second{bundle_of(backend)};
  auto err = second.start("127.0.0.1", first.port());
  CHECK(err.code == ec::bad_input);
  CHECK(err.message.find("cannot listen on 127.0.0.1:") == 0);
  CHECK(first.start("127.0.0.1", 0).code == ec::bad_input);
  first.stop();
  first.stop(); // twice is fine
}

}
