// The remote-worker bodies on their own (http/worker_json.hpp): every field
// read with its bounds, every problem named by its path.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "http/worker_json.hpp"

using namespace drover;

TEST_SUITE("worker_json") {

TEST_CASE("a poll: defaults, sorted unique types and tags") {
  auto p = parse_worker_poll(R"({"worker":"w1","types":["b","a","b"],"tags":["gpu"]})");
  REQUIRE(p);
  CHECK(p->worker == "w1");
  CHECK(p->types == std::vector<std::string>{"a", "b"});
  CHECK(p->tags == std::vector<std::string>{"gpu"});
  CHECK(p->max == 1);
  CHECK(p->wait_ms == 0);
  CHECK(p->capacity == 0);
  CHECK(p->lease_ms == worker_limits::default_lease_ms);
  auto q = parse_worker_poll(
    R"({"worker":"w1","types":["a"],"max":1000,"wait_ms":60000,"capacity":10000,"lease_ms":1000})");
  REQUIRE(q);
  CHECK(q->max == 1000);
  CHECK(q->wait_ms == 60000);
}

TEST_CASE("a bad poll names the field") {
  struct bad {
    const char* body;
    const char* names;
  };
  for (auto& b : {bad{"", "not valid JSON"}, bad{"7", "JSON object"},
                  bad{R"({"types":["a"]})", "worker"}, bad{R"({"worker":"","types":["a"]})", "worker"},
                  bad{R"({"worker":"w"})", "types"}, bad{R"({"worker":"w","types":"a"})", "types"},
                  bad{R"({"worker":"w","types":[1]})", "types[0]"},
                  bad{R"({"worker":"w","types":["a"],"max":1001})", "max"},
                  bad{R"({"worker":"w","types":["a"],"max":1.5})", "max"},
                  bad{R"({"worker":"w","types":["a"],"wait_ms":-1})", "wait_ms"},
                  bad{R"({"worker":"w","types":["a"],"capacity":0})", "capacity"},
                  bad{R"({"worker":"w","types":["a"],"lease_ms":999})", "lease_ms"},
                  bad{R"({"worker":"w","types":["a"],"x":1})", "\"x\""}}) {
    auto p = parse_worker_poll(b.body);
    INFO(b.body);
    REQUIRE_FALSE(p);
    CHECK(p.err().code == ec::bad_input);
    CHECK(p.err().message.find(b.names) != std::string::npos);
  }
  std::string long_name(201, 'w');
  CHECK_FALSE(parse_worker_poll(R"({"worker":")" + long_name + R"(","types":["a"]})"));
}

TEST_CASE("completions, failures and the batch form") {
  auto c = parse_worker_result(R"({"lease":7,"result":{"n":1}})", 42, true);
  REQUIRE(c);
  CHECK(c->id == 42);
  CHECK(c->lease == 7);
  CHECK(c->ok);
  CHECK(c->result == R"({"n":1})");
  auto f = parse_worker_result(
    R"({"lease":7,"error":{"type":"IOError","message":"disk","retryable":false}})", 42, false);
  REQUIRE(f);
  CHECK_FALSE(f->ok);
  CHECK(f->result == "IOError: disk");
  CHECK_FALSE(f->retryable);
  CHECK_FALSE(parse_worker_result(R"({"lease":7,"error":{}})", 42, true)); // complete carries result
  CHECK_FALSE(parse_worker_result(R"({"lease":7,"result":"x"})", 42, false));
  CHECK_FALSE(parse_worker_result(R"({"lease":0})", 42, true));
  auto b = parse_worker_results(
    R"({"results":[{"id":"m1_1700000000000_9","lease":3,"result":"ok"},
                   {"id":10,"lease":4,"error":{"message":"no"}}]})");
  REQUIRE(b);
  REQUIRE(b->size() == 2);
  CHECK(b.value()[0].id == 9);
  CHECK(b.value()[0].ok);
  CHECK(b.value()[1].id == 10);
  CHECK_FALSE(b.value()[1].ok);
  CHECK(b.value()[1].result == "no");
  auto bad = parse_worker_results(R"({"results":[{"id":"x","lease":1}]})");
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message.find("results[0].id") != std::string::npos);
}

TEST_CASE("answers: tasks, beats, verdicts") {
  auto j = to_json(std::vector<worker_task>{{5, 2, 1, "t", "p", 99, 33}});
  CHECK(j["tasks"][0]["id"] == "5");
  CHECK(j["tasks"][0]["lease"] == 2);
  CHECK(j["tasks"][0]["heartbeat_ms"] == 33);
  auto v = verdicts_json({worker_result{5, 2}, worker_result{6, 3}},
                         {worker_verdict::applied, worker_verdict::stale});
  CHECK(v["results"][0]["status"] == 200);
  CHECK(v["results"][1]["status"] == 409);
  CHECK(v["results"][1]["error"] == "stale_version");
}

} // TEST_SUITE
