// Queues, dedupe and splitting as pure logic: bounded queues with standby and weights,
// dedupe bookkeeping, split expansion and the job JSON's split/merge fields,
// and the REST answer (429 + Retry-After) when the queues are full.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "config/options.hpp"
#include "core/dedupe.hpp"
#include "core/job_split.hpp"
#include "core/queue_bounds.hpp"
#include "http/job_json.hpp"
#include "http/json_codec.hpp"
#include "http/job_split_json.hpp"
#include "http_fake_jobs.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using json = nlohmann::json;

namespace {

queue_limits small(uint64_t cap, uint64_t standby) {
  queue_limits l;
  l.capacity = {cap, cap, cap};
  l.standby = standby;
  return l;
}

std::vector<task_id> drain(bounded_queues& q) {
  std::vector<task_id> out;
  while (auto id = q.pop())
    out.push_back(*id);
  return out;
}

} // namespace

TEST_SUITE("queue_bounds") {

TEST_CASE("a full queue spills into standby and refills from it in order") {
  bounded_queues q{small(2, 10)};
  for (task_id id = 1; id <= 5; ++id)
    q.push(id, priority::normal);
  CHECK(q.size(priority::normal) == 2);
  CHECK(q.standby_size() == 3);
  CHECK(q.size() == 5);
  CHECK(drain(q) == std::vector<task_id>{1, 2, 3, 4, 5}); // FIFO across the spill
  CHECK(q.empty());
}

TEST_CASE("a task put back after a pop keeps the bound and the order") {
  bounded_queues q{small(2, 10)};
  for (task_id id = 1; id <= 4; ++id)
    q.push(id, priority::normal);
  auto id = q.pop(); // 3 moves up from standby
  REQUIRE(id);
  CHECK(*id == 1);
  q.push_front(*id, priority::normal);
  CHECK(q.size(priority::normal) == 2);
  CHECK(q.standby_size() == 2);
  CHECK(drain(q) == std::vector<task_id>{1, 2, 3, 4});
}

TEST_CASE("push never refuses: owned work may overfill standby") {
  bounded_queues q{small(1, 1)};
  for (task_id id = 1; id <= 4; ++id)
    q.push(id, priority::low);
  CHECK(q.size(priority::low) == 1);
  CHECK(q.standby_size() == 3);
  CHECK(drain(q).size() == 4);
}

TEST_CASE("admits: what does not fit its queue must fit the shared standby") {
  bounded_queues q{small(2, 3)};
  std::array<uint64_t, priority_count> none{};
  CHECK(q.admits({2, 2, 2}, none));
  CHECK(q.admits({5, 0, 0}, none));       // 2 queued + 3 standby
  CHECK_FALSE(q.admits({6, 0, 0}, none));
  CHECK_FALSE(q.admits({4, 4, 0}, none)); // 2 + 2 spill > 3
  CHECK_FALSE(q.admits({5, 0, 0}, {1, 0, 0})); // reserved room counts
  q.push(1, priority::high);
  q.push(2, priority::high);
  q.push(3, priority::high); // standby 1
  CHECK(q.admits({0, 2, 2}, none));
  CHECK(q.admits({0, 4, 0}, none));       // 2 spill + 1 in standby = 3
  CHECK_FALSE(q.admits({0, 5, 0}, none));
  REQUIRE(q.pop()); // a high task leaves, the standby one moves up
  CHECK(q.standby_size() == 0);
  CHECK(q.size(priority::high) == 2);
}

TEST_CASE("weights: 8:3:1 by default, low never starves, configurable") {
  bounded_queues q;
  for (task_id id = 0; id < 120; ++id) {
    q.push(1000 + id, priority::high);
    q.push(2000 + id, priority::normal);
    q.push(3000 + id, priority::low);
  }
  std::map<int, int> picks;
  for (int i = 0; i < 120; ++i) {
    auto id = q.pop();
    REQUIRE(id);
    ++picks[static_cast<int>(*id / 1000)];
  }
  CHECK(picks[1] == 80);
  CHECK(picks[2] == 30);
  CHECK(picks[3] == 10);

  queue_limits l;
  l.weights = {1, 1, 2};
  bounded_queues even{l};
  for (task_id i = 0; i < 40; ++i) {
    even.push(1000 + i, priority::high);
    even.push(2000 + i, priority::normal);
    even.push(3000 + i, priority::low);
  }
  picks.clear();
  for (int i = 0; i < 40; ++i) {
    auto id = even.pop();
    REQUIRE(id);
    ++picks[static_cast<int>(*id / 1000)];
  }
  CHECK(picks[1] == 10);
  CHECK(picks[2] == 10);
  CHECK(picks[3] == 20); // low weighs 2 of 4 picks
}

TEST_CASE("validate names the bad field") {
  queue_limits l;
  l.capacity[1] = 0;
  CHECK(validate(l) == "queues.normal: capacity must be >= 1");
  l = {};
  l.weights[2] = 0;
  CHECK(validate(l) == "queues.weights.low: must be from 1 to 1000");
  CHECK(validate(queue_limits{}).empty());
}

} // TEST_SUITE

TEST_SUITE("dedupe") {

TEST_CASE("same key: one leader, followers in order, key free after finish") {
  dedupe_index d;
  CHECK(d.join(1, "k"));
  CHECK_FALSE(d.join(2, "k"));
  CHECK_FALSE(d.join(3, "k"));
  CHECK(d.join(4, "other"));
  CHECK(d.join(5, ""));            // no key: always runs
  CHECK(d.join(6, merge_marker));  // reserved keys never dedupe
  CHECK(d.join(7, merge_marker));
  CHECK(d.followers() == 2);
  CHECK(d.is_follower(2));
  CHECK(d.finish(1) == std::vector<task_id>{2, 3});
  CHECK(d.followers() == 0);
  CHECK(d.join(8, "k")); // the key is free again: a later task runs
}

TEST_CASE("a dropped leader hands over to its oldest follower") {
  dedupe_index d;
  d.join(1, "k");
  d.join(2, "k");
  d.join(3, "k");
  CHECK(d.drop(3) == 0); // a follower just leaves
  CHECK(d.drop(1) == 2); // the leader: 2 runs now
  CHECK(d.finish(2).empty());
  CHECK(d.keys() == 0);
}

TEST_CASE("finish_like copies the leader's end") {
  task leader;
  leader.state = task_state::failed;
  leader.result = "boom";
  task f;
  f.version = 3;
  finish_like(f, leader, 99);
  CHECK(f.state == task_state::failed);
  CHECK(f.result == "boom");
  CHECK(f.version == 4);
  CHECK(f.finished_ms == 99);
}

} // TEST_SUITE

TEST_SUITE("job_split") {

TEST_CASE("range: shards cover the range exactly, half-open") {
  split_spec s;
  s.how = split_spec::kind::range;
  s.from = 0;
  s.to = 10;
  s.shards = 3;
  auto out = split_payloads(s, 100);
  REQUIRE(out);
  CHECK(*out == std::vector<std::string>{R"({"from":0,"to":3})", R"({"from":3,"to":6})",
                                         R"({"from":6,"to":10})"});
  s.shards = 0;
  CHECK(split_payloads(s, 100).err().message == "split.range.shards: must be >= 1");
  s.shards = 2;
  s.from = 11;
  CHECK(split_payloads(s, 100).err().message.find("split.range: from (11) must be less than to")
        == 0);
}

TEST_CASE("lines: K lines per part and a missing file is named") {
  auto path = std::string{"/tmp/drover_split_lines_test.txt"};
  {
    std::ofstream f{path};
    f << "a\nb\nc\nd\ne\n";
  }
  split_spec s;
  s.how = split_spec::kind::lines;
  s.file = path;
  s.per_task = 2;
  auto out = split_payloads(s, 100);
  REQUIRE(out);
  CHECK(*out == std::vector<std::string>{"a\nb", "c\nd", "e"});
  CHECK(split_payloads(s, 2).err().message.find("more than 2 parts") != std::string::npos);
  s.file = "/nonexistent/x.txt";
  CHECK(split_payloads(s, 100).err().message == "split.lines.file: cannot read '/nonexistent/x.txt'");
  std::remove(path.c_str());
}

TEST_CASE("job JSON: split expands the template and the merge comes last, marked") {
  auto r = parse_job_request(R"({"name": "sum", "tasks": [{"type": "sum", "priority": "high"}],
    "split": {"range": {"from": 0, "to": 1000000, "shards": 8}},
    "merge": {"type": "add", "payload": "p"}})", job_limits{});
  REQUIRE_FALSE(r.err);
  REQUIRE(r.job.tasks.size() == 9);
  CHECK(r.job.tasks[0].payload == R"({"from":0,"to":125000})");
  CHECK(r.job.tasks[7].payload == R"({"from":875000,"to":1000000})");
  CHECK(r.job.tasks[7].prio == priority::high);
  CHECK(is_merge(r.job.tasks[8]));
  CHECK(r.job.tasks[8].type == "add");
  CHECK(r.job.tasks[8].payload == "p");

  auto l = parse_job_request(R"({"name": "l", "tasks": [{"type": "echo"}],
    "split": {"list": ["a", {"b": 1}, 3]}})", job_limits{});
  REQUIRE_FALSE(l.err);
  REQUIRE(l.job.tasks.size() == 3);
  CHECK(l.job.tasks[1].payload == R"({"b":1})");
  CHECK(l.job.tasks[2].payload == "3");
}

TEST_CASE("job JSON: bad split definitions name the field") {
  auto err = [](const char* body) { return parse_job_request(body, job_limits{}).err.message; };
  CHECK(err(R"({"name":"j","tasks":[{"type":"t"}],"split":{"range":{"from":0,"to":9,"shards":0}}})")
        == "split.range.shards: must be >= 1");
  CHECK(err(R"({"name":"j","tasks":[{"type":"t"}],"split":{"range":{"from":5,"to":1,"shards":2}}})")
          .find("split.range: from (5) must be less than to (1)") == 0);
  CHECK(err(R"({"name":"j","tasks":[{"type":"t"}],"split":{"chunks":{}}})")
        == R"(split: unknown kind "chunks"; expected one of range, lines, list)");
  CHECK(err(R"({"name":"j","tasks":[{"type":"t"}],"split":{"range":{"from":0,"shards":2}}})")
        == "split.range.to: missing; expected an integer");
  CHECK(err(R"({"name":"j","tasks":[{"type":"t"},{"type":"u"}],"split":{"list":["a"]}})")
          .find("tasks: with a split, give exactly one task") == 0);
  CHECK(err(R"({"name":"j","tasks":[{"type":"t"}],"split":{"lines":{"file":"/etc/hostname"}}})")
          .find("split.lines: the server reads no client files") == 0);
  CHECK(err(R"({"name":"j","tasks":[{"type":"t","dedupe_key":"drover:merge"}]})")
        == R"(tasks[0].dedupe_key: keys starting with "drover:" are reserved)");
  CHECK(err(R"({"name":"j","tasks":[{"type":"t"}],"merge":{"type":"m","count":2}})")
        == "merge: a merge step takes no count and no dedupe_key");
  job_limits files;
  files.read_files = true;
  CHECK(parse_job_request(R"({"name":"j","tasks":[{"type":"t"}],"split":{"lines":{"file":"/nonexistent"}}})",
                          files).err.message == "split.lines.file: cannot read '/nonexistent'");
}

TEST_CASE("an expanded job body parses back to the same tasks") {
  auto r = parse_job_request(R"({"name": "l", "tasks": [{"type": "echo", "dedupe_key": "d"}],
    "split": {"list": ["a", "b"]}, "merge": {"type": "cat"}})", job_limits{});
  REQUIRE_FALSE(r.err);
  auto again = parse_job_request(expanded_job_body(r.job), job_limits{});
  REQUIRE_FALSE(again.err);
  REQUIRE(again.job.tasks.size() == 3);
  CHECK(again.job.tasks[1].payload == "b");
  CHECK(again.job.tasks[1].dedupe_key == "d");
  CHECK(is_merge(again.job.tasks[2]));
}

} // TEST_SUITE

TEST_SUITE("http_server") {

TEST_CASE_FIXTURE(http_test::fake_server<http_test::fake_jobs>, "POST /v1/jobs answers 429 with Retry-After when the queues are full") {
  backend.fail_all = error{ec::overloaded, "the queues are full (normal 10/10, standby 0/0)"};
  auto res = client.Post("/v1/jobs", R"({"name": "j", "tasks": [{"type": "noop"}]})",
                         "application/json");
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(res->get_header_value("Retry-After") == "1");
  auto doc = json::parse(res->body);
  CHECK(doc["error"] == "overloaded");
  CHECK(doc["detail"].get<std::string>().find("queues are full") != std::string::npos);
}

} // TEST_SUITE

TEST_SUITE("job_split") {

TEST_CASE("job JSON shows the merge step apart from the parts") {
  job_info j;
  j.id = 3;
  j.total = 9;
  j.merge_task = 27;
  j.merge_state = "WAITING";
  auto doc = to_json(j, 0);
  CHECK(doc["merge"] == json{{"task", 27}, {"state", "WAITING"}, {"parts", 8}});
  j.merge_task = 0;
  CHECK_FALSE(to_json(j, 0).contains("merge"));
}

} // TEST_SUITE

TEST_SUITE("queue_bounds") {

TEST_CASE("the config file queues: section sets bounds and weights and bad values are named") {
  auto path = std::string{"/tmp/drover_queues_config_test.yaml"};
  auto load = [&](const char* text, run_options& o) {
    std::ofstream{path} << text;
    return load_config_file(path, o);
  };
  run_options o;
  REQUIRE_FALSE(load("queues:\n  normal: 10\n  standby: 5\n  weights: { low: 2 }\n", o));
  CHECK(o.queues.capacity[1] == 10);
  CHECK(o.queues.capacity[0] == queue_limits{}.capacity[0]);
  CHECK(o.queues.standby == 5);
  CHECK(o.queues.weights == std::array<uint32_t, priority_count>{8, 3, 2});
  run_options bad;
  auto err = load("queues:\n  urgent: 10\n", bad);
  CHECK(err.message.find(":2:3: 'queues' must map high, normal, low, standby") != std::string::npos);
  run_options zero;
  REQUIRE_FALSE(load("queues: { high: 0 }\n", zero));
  CHECK(validate(zero).message == "queues.high: capacity must be >= 1");
  std::remove(path.c_str());
}

} // TEST_SUITE
