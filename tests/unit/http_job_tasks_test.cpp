// GET /v1/jobs/{id}/tasks over the fake backend (paging, state filter, the
// shape of each task, 400 naming the bad parameter, 404), the query-string
// reader behind it, and how waiting tasks show in job JSON and /metrics.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "http/json_codec.hpp"
#include "http/metrics_text.hpp"
#include "http/query_params.hpp"
#include "http_fake_jobs.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;
using json = nlohmann::json;

namespace {

using server_fixture = fake_server<fake_jobs>;

const char* four_tasks = R"({"name": "thumbs", "tasks": [{"type": "resize", "count": 4}]})";

/// Ends task `id` of the fake in `s` with `result` at attempt `attempt`.
void end_task(fake_jobs& b, task_id id, task_state s, std::string result,
              uint32_t attempt = 1) {
  std::lock_guard<std::mutex> g{b.mtx};
  auto& t = b.tasks[id].t;
  t.state = s;
  t.result = std::move(result);
  t.attempt = attempt;
  t.spec.max_attempts = 3;
  t.consumer = "c1";
}

query_params params(std::initializer_list<std::pair<const char*, const char*>> kv) {
  query_params out;
  for (auto& [k, v] : kv)
    out.emplace(k, v);
  return out;
}

} // namespace

TEST_SUITE("http: a job's tasks") {

TEST_CASE("the query string: state in any case, paging, and errors naming the parameter") {
  auto q = read_task_query(params({}));
  REQUIRE(q);
  CHECK(q->any_state);
  CHECK(q->offset == 0);
  CHECK(q->limit == 100);
  CHECK(q->job == 0);
  q = read_task_query(params({{"state", "failed"}, {"offset", "20"}, {"limit", "5"}}));
  REQUIRE(q);
  CHECK_FALSE(q->any_state);
  CHECK(q->state == task_state::failed);
  CHECK(q->offset == 20);
  CHECK(q->limit == 5);
  auto message = [](std::initializer_list<std::pair<const char*, const char*>> kv) {
    auto r = read_task_query(params(kv));
    CHECK_FALSE(r);
    return r.err().message;
  };
  CHECK(message({{"state", "DONE"}})
        == "state: expected one of PENDING, ASSIGNED, RUNNING, SUCCEEDED, FAILED, CANCELLED, "
           "TIMED_OUT, got 'DONE'");
  CHECK(message({{"offset", "-1"}})
        == "offset: expected a non-negative integer, got '-1'");
  CHECK(message({{"limit", "1001"}})
        == "limit: expected an integer from 1 to 1000, got '1001'");
  CHECK(message({{"limit", ""}})
        == "limit: expected an integer from 1 to 1000, got ''");
  CHECK(read_task_query(params({{"offset", "99999999999999999999999"}})).err().code == ec::bad_input);
  CHECK(message({{"sate", "FAILED"}})
        == "unknown query parameter 'sate' (allowed: state, q, offset, limit)");
  CHECK(message({{"state", "FAILED"}, {"state", "SUCCEEDED"}})
        == "state: given more than once");
  auto long_value = std::string(500, 'x');
  auto msg = message({{"state", long_value.c_str()}});
  CHECK(msg.size() < 200); // a huge value is not echoed whole
  CHECK(read_paging(params({{"state", "FAILED"}})).err().message
        == "unknown query parameter 'state' (allowed: offset, limit)");
  auto page = read_paging(params({{"offset", "7"}}));
  REQUIRE(page);
  CHECK(page->offset == 7);
  CHECK(page->limit == 100);
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/jobs/{id}/tasks lists results, errors and paging") {
  REQUIRE(client.Post("/v1/jobs", four_tasks, "application/json")->status == 201);
  end_task(backend, 1, task_state::succeeded, "thumb of a.png");
  end_task(backend, 2, task_state::failed, "exit code 2: no such file", 3);
  end_task(backend, 3, task_state::timed_out, "timed out after 5000 ms on c1", 3);
  end_task(backend, 4, task_state::pending, "exit code 1", 2); // a retry waits
  auto doc = body_of(client.Get("/v1/jobs/1/tasks"));
  CHECK(doc["job_id"] == 1);
  CHECK(doc["state"].is_null());
  CHECK(doc["total"] == 4);
  CHECK(doc["offset"] == 0);
  CHECK(doc["limit"] == 100);
  REQUIRE(doc["tasks"].size() == 4);
  auto& ok = doc["tasks"][0];
  CHECK(ok["id"] == "m1_1700000000000_1");
  CHECK(ok["state"] == "SUCCEEDED");
  CHECK(ok["type"] == "resize");
  CHECK(ok["result"] == "thumb of a.png");
  CHECK(ok["truncated"] == false);
  CHECK_FALSE(ok.contains("error"));
  auto& bad = doc["tasks"][1];
  CHECK(bad["error"] == "exit code 2: no such file");
  CHECK(bad["attempt"] == 3);
  CHECK(bad["max_attempts"] == 3);
  CHECK(bad["consumer"] == "c1");
  CHECK_FALSE(bad.contains("result"));
  CHECK(doc["tasks"][2]["error"] == "timed out after 5000 ms on c1");
  CHECK(doc["tasks"][3]["last_error"] == "exit code 1");

  auto failed = body_of(client.Get("/v1/jobs/1/tasks?state=FAILED"));
  CHECK(failed["state"] == "FAILED");
  CHECK(failed["total"] == 1);
  REQUIRE(failed["tasks"].size() == 1);
  CHECK(failed["tasks"][0]["id"] == "m1_1700000000000_2");
  auto page = body_of(client.Get("/v1/jobs/1/tasks?offset=1&limit=2"));
  CHECK(page["total"] == 4);
  REQUIRE(page["tasks"].size() == 2);
  CHECK(page["tasks"][0]["id"] == "m1_1700000000000_2");
}

TEST_CASE_FIXTURE(server_fixture, "bad values get 400 naming the parameter, an unknown job 404") {
  REQUIRE(client.Post("/v1/jobs", four_tasks, "application/json")->status == 201);
  for (const char* path : {"/v1/jobs/1/tasks?state=DONE", "/v1/jobs/1/tasks?limit=0",
                           "/v1/jobs/1/tasks?offset=x", "/v1/jobs/1/tasks?page=2",
                           "/v1/jobs/x/tasks"}) {
    auto res = client.Get(path);
    REQUIRE(res);
    CAPTURE(path);
    CHECK(res->status == 400);
    CHECK(body_of(res)["error"] == "bad_input");
  }
  auto res = client.Get("/v1/jobs/1/tasks?state=DONE");
  CHECK(body_of(res)["detail"].get<std::string>().rfind("state: expected one of", 0) == 0);
  res = client.Get("/v1/jobs/7/tasks");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(body_of(res)["error"] == "unknown_job");
}

TEST_CASE("a long result is flagged as truncated with its full size") {
  job_tasks page;
  page.query.job = 3;
  page.total = 1;
  task t;
  t.id = 5;
  t.state = task_state::succeeded;
  t.result = std::string(3000, 'r');
  page.tasks.push_back(summary_of(t, 1024));
  page.ids.push_back("m1_1_5");
  auto doc = to_json(page);
  auto& row = doc["tasks"][0];
  CHECK(row["result"].get<std::string>().size() == 1024);
  CHECK(row["result_bytes"] == 3000);
  CHECK(row["truncated"] == true);
}

TEST_CASE("job JSON and /metrics say why tasks wait") {
  job_info j;
  j.id = 1;
  j.total = 7;
  j.unassignable = 7;
  j.waiting = {waiting_group{"no_type", "resize", "", "no live consumer runs type 'resize'", 5},
               waiting_group{"no_tags", "render", "gpu", "no live consumer that runs type "
                                                        "'render' has tags [gpu]", 2}};
  auto doc = to_json(j, 0);
  CHECK(doc["unassignable"] == 7);
  REQUIRE(doc["waiting"].size() == 2);
  CHECK(doc["waiting"][0]["reason"] == "no live consumer runs type 'resize'");
  CHECK(doc["waiting"][0]["why"] == "no_type");
  CHECK(doc["waiting"][0]["type"] == "resize");
  CHECK(doc["waiting"][0]["tasks"] == 5);
  CHECK(doc["waiting"][1]["detail"] == "gpu");

  metrics_snapshot m;
  m.waiting = j.waiting;
  m.waiting.push_back(waiting_group{"rule", "x\"y", "r\\1", "...", 1}); // escaped labels
  auto text = write_metrics(m);
  CHECK(text.find("# TYPE drover_unassignable_tasks gauge") != std::string::npos);
  CHECK(text.find("drover_unassignable_tasks{reason=\"no_type\",type=\"resize\",detail=\"\"} 5\n")
        != std::string::npos);
  CHECK(text.find("drover_unassignable_tasks{reason=\"no_tags\",type=\"render\",detail=\"gpu\"} 2\n")
        != std::string::npos);
  CHECK(text.find(R"(drover_unassignable_tasks{reason="rule",type="x\"y",detail="r\\1"} 1)")
        != std::string::npos);
  CHECK(to_json(m)["waiting"].size() == 3);
}

TEST_CASE("node JSON carries the task types a member runs") {
  node_info n;
  n.member = member_info{"c1", member_role::consumer, {"gpu"}, 8, "", "", {"echo", "resize"}};
  auto doc = to_json(std::vector<node_info>{n});
  CHECK(doc["nodes"][0]["types"] == json::array({"echo", "resize"}));
}

} // TEST_SUITE
