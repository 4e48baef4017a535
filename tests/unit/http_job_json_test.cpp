// Job bodies (http/job_json.hpp): every field read, and every kind of bad
// input named precisely, with nothing half-parsed handed on.
#include <doctest/doctest.h>

#include <string>

#include "http/job_json.hpp"
#include "http/job_split_json.hpp"

using namespace drover;

namespace {

job_parse_result parse(const std::string& body, std::size_t max_tasks = 1000) {
  return parse_job_request(body, job_limits{max_tasks});
}

/// The error message for `body`, which must be refused as bad input.
std::string problem(const std::string& body) {
  auto r = parse(body);
  REQUIRE(r.err);
  CHECK(r.err.code == ec::bad_input);
  CHECK_FALSE(r.too_many);
  CHECK(r.job.tasks.empty());
  return r.err.message;
}

std::string with_task(const std::string& task_fields) {
  return R"({"name": "j", "tasks": [{"type": "noop"}, {"type": "echo", )" + task_fields + "}]}";
}

} // namespace

TEST_SUITE("http_job_json") {

TEST_CASE("every field of a job and its tasks is read") {
  auto r = parse(R"({"name": "etl", "group": "g1", "origin": "k-1", "tasks": [
    {"type": "echo", "payload": "hi", "priority": "high", "key": "u1",
     "tags": ["gpu", "ssd"], "timeout_ms": 1500, "max_attempts": 3, "dedupe_key": "d1"},
    {"type": "noop"}]})");
  INFO(r.err.message);
  REQUIRE_FALSE(r.err);
  CHECK(r.job.name == "etl");
  CHECK(r.job.group == "g1");
  CHECK(r.job.origin == "k-1");
  REQUIRE(r.job.tasks.size() == 2);
  auto& t = r.job.tasks[0];
  CHECK(t.type == "echo");
  CHECK(t.payload == "hi");
  CHECK(t.prio == priority::high);
  CHECK(t.key == "u1");
  CHECK(t.tags == std::vector<std::string>{"gpu", "ssd"});
  CHECK(t.timeout_ms == 1500);
  CHECK(t.max_attempts == 3);
  CHECK(t.dedupe_key == "d1");
  auto& d = r.job.tasks[1]; // defaults
  CHECK(d.prio == priority::normal);
  CHECK(d.max_attempts == 1);
  CHECK(d.timeout_ms == 0);
  CHECK(d.tags.empty());
}

TEST_CASE("count repeats a task") {
  auto r = parse(R"({"name": "j", "tasks": [{"type": "noop", "count": 4}, {"type": "echo"}]})");
  REQUIRE_FALSE(r.err);
  REQUIRE(r.job.tasks.size() == 5);
  CHECK(r.job.tasks[3].type == "noop");
  CHECK(r.job.tasks[4].type == "echo");
}

TEST_CASE("a wrong priority names the task, the field and the allowed values") {
  CHECK(problem(with_task(R"("priority": "urgent")"))
        == R"(tasks[1].priority: expected one of high, normal, low, got "urgent")");
}

TEST_CASE("wrong types say what was expected and what came") {
  CHECK(problem(R"({"name": 7, "tasks": [{"type": "noop"}]})")
        == "name: expected a string, got 7");
  CHECK(problem(with_task(R"("timeout_ms": "100")"))
        == R"(tasks[1].timeout_ms: expected an integer from 0 to 4294967295, got "100")");
  CHECK(problem(with_task(R"("timeout_ms": -5)"))
        == "tasks[1].timeout_ms: expected an integer from 0 to 4294967295, got -5");
  CHECK(problem(with_task(R"("max_attempts": 1.5)"))
        == "tasks[1].max_attempts: expected an integer from 1 to 1000, got 1.5");
  CHECK(problem(with_task(R"("max_attempts": 0)"))
        == "tasks[1].max_attempts: expected an integer from 1 to 1000, got 0");
  CHECK(problem(with_task(R"("tags": "gpu")"))
        == R"(tasks[1].tags: expected an array of strings, got "gpu")");
  CHECK(problem(with_task(R"("tags": ["gpu", 3])")) == "tasks[1].tags[1]: expected a string, got 3");
  CHECK(problem(R"({"name": "j", "tasks": {"type": "noop"}})")
        == "tasks: expected an array, got an object");
  CHECK(problem(R"({"name": "j", "tasks": [42]})")
        == R"(tasks[0]: expected an object with at least "type", got 42)");
  CHECK(problem(R"([1, 2])") == R"(body: expected a JSON object with "name" and "tasks", got an array)");
}

TEST_CASE("a payload may be any JSON value: a string as is, anything else as its JSON text") {
  auto r = parse_job_request(R"({"name": "j", "tasks": [
    {"type": "echo", "payload": "plain \"text\""},
    {"type": "echo", "payload": {"path": "/a.png", "size": [1, 2], "b": true, "a": null}},
    {"type": "echo", "payload": 42},
    {"type": "echo", "payload": [1, "x"]},
    {"type": "echo", "payload": null},
    {"type": "echo", "payload": "{\"path\":\"/a.png\"}"},
    {"type": "echo", "payload": {"s": "\u00e9\n"}, "count": 2}]})", job_limits{});
  INFO(r.err.message);
  REQUIRE_FALSE(r.err);
  REQUIRE(r.job.tasks.size() == 8);
  CHECK(r.job.tasks[0].payload == "plain \"text\"");
  // keys keep the order they were written in
  CHECK(r.job.tasks[1].payload == R"({"path":"/a.png","size":[1,2],"b":true,"a":null})");
  CHECK(r.job.tasks[2].payload == "42");
  CHECK(r.job.tasks[3].payload == R"([1,"x"])");
  CHECK(r.job.tasks[4].payload == "null");
  CHECK(r.job.tasks[5].payload == R"({"path":"/a.png"})"); // a string: as is
  CHECK(r.job.tasks[6].payload == "{\"s\":\"\xC3\xA9\\n\"}");
  CHECK(r.job.tasks[7].payload == r.job.tasks[6].payload);
}

TEST_CASE("a body nested deeper than the limit is refused, not a stack overflow") {
  auto nested = [](int depth) {
    return R"({"name": "deep", "tasks": [{"type": "echo", "payload": )" + std::string(depth, '[')
           + std::string(depth, ']') + "}]}";
  };
  auto ok = parse_job_request(nested(max_json_depth - 4), job_limits{}); // body + tasks + task
  CHECK_FALSE(ok.err);
  for (int depth : {max_json_depth, 1'000'000}) {
    auto r = parse_job_request(nested(depth), job_limits{});
    CAPTURE(depth);
    CHECK(r.err.message == "body: nested more than 100 levels deep; flatten the payload");
    CHECK(r.job.tasks.empty());
  }
  std::string split = R"({"name": "deep", "tasks": [{"type": "echo"}], "split": {"list": [)"
                      + std::string(500'000, '[') + std::string(500'000, ']') + "]}}";
  CHECK(parse_job_request(split, job_limits{}).err.message.find("nested more than") != std::string::npos);
}

TEST_CASE("a JSON payload survives the expanded body drover submit sends") {
  auto first = parse_job_request(R"({"name": "j", "tasks": [{"type": "echo",
    "payload": {"z": 1, "a": {"k": "v"}}}], "split": {"list": [{"b": 1, "a": 2}, "s"]}})",
                                 job_limits{});
  REQUIRE_FALSE(first.err);
  REQUIRE(first.job.tasks.size() == 2);
  CHECK(first.job.tasks[0].payload == R"({"b":1,"a":2})");
  auto again = parse_job_request(expanded_job_body(first.job), job_limits{});
  REQUIRE_FALSE(again.err);
  REQUIRE(again.job.tasks.size() == 2);
  CHECK(again.job.tasks[0].payload == first.job.tasks[0].payload);
  CHECK(again.job.tasks[1].payload == "s");
}

TEST_CASE("unknown fields are rejected by name, with the allowed ones") {
  CHECK(problem(R"({"name": "j", "nmae": "x", "tasks": [{"type": "noop"}]})")
        == R"(body: unknown field "nmae" (allowed: name, group, origin, idempotency_key, tasks, split, merge))");
  auto msg = problem(with_task(R"("prio": "high")"));
  CHECK(msg.rfind(R"(tasks[1]: unknown field "prio" (allowed: type, payload, priority)", 0) == 0);
}

TEST_CASE("missing or empty required fields are named") {
  CHECK(problem(R"({"tasks": [{"type": "noop"}]})") == "name: missing; expected a string");
  CHECK(problem(R"({"name": "", "tasks": [{"type": "noop"}]})") == "name: must not be empty");
  CHECK(problem(R"({"name": "j"})") == "tasks: missing; expected a non-empty array");
  CHECK(problem(R"({"name": "j", "tasks": []})") == "tasks: must hold at least one task");
  CHECK(problem(R"({"name": "j", "tasks": [{"payload": "x"}]})")
        == "tasks[0].type: missing; expected a string");
}

TEST_CASE("malformed JSON is reported with its position") {
  auto msg = problem(R"({"name": "j", "tasks": [)");
  CHECK(msg.rfind("body: malformed JSON: parse error at line 1, column 25", 0) == 0);
  CHECK(problem("") == R"(body: empty; expected a JSON object with "name" and "tasks")");
  CHECK(problem("{\"name\": \"\xff\", \"tasks\": []}").rfind("body: malformed JSON", 0) == 0);
}

TEST_CASE("deep nesting and long values neither crash nor end up in full in the message") {
  std::string deep(200000, '[');
  deep += std::string(200000, ']');
  CHECK(problem(deep) == "body: nested more than 100 levels deep; flatten the payload");
  CHECK(problem("[[1]]") == R"(body: expected a JSON object with "name" and "tasks", got an array)");
  std::string long_prio(5000, 'x');
  auto msg = problem(with_task(R"("priority": ")" + long_prio + "\""));
  CHECK(msg.size() < 150);
}

TEST_CASE("a list over the limit is refused as too many, before or after count expands") {
  auto r = parse(R"({"name": "j", "tasks": [{"type": "a"}, {"type": "b"}, {"type": "c"}]})", 2);
  CHECK(r.too_many);
  CHECK(r.err.message == "tasks: 3 tasks is more than the limit of 2 per job; split the job");
  CHECK(r.job.tasks.empty());
  auto c = parse(R"({"name": "j", "tasks": [{"type": "a", "count": 3}]})", 2);
  CHECK(c.too_many);
  CHECK(c.job.tasks.empty());
  CHECK_FALSE(parse(R"({"name": "j", "tasks": [{"type": "a", "count": 2}]})", 2).err);
}

}
