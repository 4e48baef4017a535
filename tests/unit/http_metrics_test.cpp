// GET /metrics (http/metrics_text.hpp): the text parses back as Prometheus
// exposition format, the histogram is cumulative, and a scrape through the
// real server reports what the backend counted.
#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>

#include "http/metrics_text.hpp"
#include "http_fake_jobs.hpp"
#include "http_fake_monitor.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;

namespace {

/// The monitor counts the fake's tasks by state, as the manager counts its own.
struct counting_fakes : fakes<fake_jobs, fake_monitor> {
  result<metrics_snapshot> metrics() override {
    auto m = fake_monitor::metrics();
    std::lock_guard<std::mutex> g{fake_jobs::mtx};
    for (auto& [id, t] : tasks)
      m.value().tasks_by_state[static_cast<int>(t.t.state)] += 1;
    return m;
  }
};
using server_fixture = fake_server<counting_fakes>;

/// A strict little reader of the text format: every sample must follow a
/// # TYPE line of its family; samples are keyed "name{labels}".
struct scrape {
  std::map<std::string, std::string> types; // family -> counter|gauge|histogram
  std::map<std::string, std::string> help;
  std::map<std::string, double> samples;
  std::string problem;

  explicit scrape(const std::string& text) {
    std::istringstream in{text};
    std::string line;
    while (std::getline(in, line) && problem.empty())
      read(line);
  }

  void read(const std::string& line) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      auto& table = line[2] == 'H' ? help : types;
      table[rest.substr(0, sp)] = rest.substr(sp + 1);
      return;
    }
    auto sp = line.rfind(' ');
    if (sp == std::string::npos) {
      problem = "no value in: " + line;
      return;
    }
    auto key = line.substr(0, sp);
    auto name = key.substr(0, key.find('{'));
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s{suffix};
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0
          && types.count(name.substr(0, name.size() - s.size())))
        family = name.substr(0, name.size() - s.size());
    }
    if (!types.count(family) || !help.count(family))
      problem = "sample before its # HELP/# TYPE: " + line;
    auto value = line.substr(sp + 1);
    samples[key] = value == "+Inf" ? 1e300 : std::stod(value);
  }
};

metrics_snapshot sample_snapshot() {
  metrics_snapshot m;
  m.tasks_by_state = {5, 1, 2, 90, 3, 0, 1};
  m.queue_depth = {1, 3, 1};
  m.retry_queue = 2;
  m.assignments = 120;
  m.acks = 99;
  m.stale_rejected = 7;
  m.retries = 4;
  m.reassignments = 6;
  m.members_by_role = {1, 3, 1, 2};
  for (double s : {0.0002, 0.0005, 0.003, 0.003, 0.2, 9.0})
    m.ack_latency.observe(s);
  return m;
}

} // namespace

TEST_SUITE("http_metrics") {

TEST_CASE("every family has HELP and TYPE, and the values read back") {
  scrape s{write_metrics(sample_snapshot())};
  INFO(s.problem);
  REQUIRE(s.problem.empty());
  CHECK(s.types["drover_tasks"] == "gauge");
  CHECK(s.types["drover_stale_updates_rejected_total"] == "counter");
  CHECK(s.types["drover_ack_latency_seconds"] == "histogram");
  CHECK(s.samples["drover_tasks{state=\"succeeded\"}"] == 90);
  CHECK(s.samples["drover_tasks{state=\"timed_out\"}"] == 1);
  CHECK(s.samples["drover_queue_depth{priority=\"normal\"}"] == 3);
  CHECK(s.samples["drover_retry_queue_depth"] == 2);
  CHECK(s.samples["drover_assignments_total"] == 120);
  CHECK(s.samples["drover_acks_total"] == 99);
  CHECK(s.samples["drover_stale_updates_rejected_total"] == 7);
  CHECK(s.samples["drover_retries_total"] == 4);
  CHECK(s.samples["drover_reassignments_total"] == 6);
  CHECK(s.samples["drover_members{role=\"consumer\"}"] == 3);
  CHECK(s.samples["drover_members{role=\"worker\"}"] == 2);
}

TEST_CASE("the ACK latency histogram is cumulative and ends in +Inf == _count") {
  scrape s{write_metrics(sample_snapshot())};
  REQUIRE(s.problem.empty());
  auto bucket = [&](const char* le) {
    return s.samples["drover_ack_latency_seconds_bucket{le=\"" + std::string{le} + "\"}"];
  };
  CHECK(bucket("0.0005") == 2); // a value equal to a bound is inside it
  CHECK(bucket("0.001") == 2);
  CHECK(bucket("0.005") == 4);
  CHECK(bucket("0.25") == 5);
  CHECK(bucket("5") == 5);
  CHECK(bucket("+Inf") == 6);
  CHECK(s.samples["drover_ack_latency_seconds_count"] == 6);
  CHECK(s.samples["drover_ack_latency_seconds_sum"] == doctest::Approx(9.2067));
  double last = 0;
  for (double b : latency_histogram::bounds) {
    std::ostringstream le;
    le << b;
    CHECK(bucket(le.str().c_str()) >= last);
    last = bucket(le.str().c_str());
  }
}

TEST_CASE_FIXTURE(server_fixture, "a scrape through the server reports the backend's counters") {
  backend.snapshot = sample_snapshot();
  backend.snapshot.tasks_by_state = {}; // the fake counts its own tasks
  auto sub = client.Post("/v1/jobs", R"({"name": "m", "tasks": [{"type": "noop", "count": 3}]})",
                         "application/json");
  REQUIRE(sub);
  REQUIRE(sub->status == 201);
  auto res = client.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == metrics_content_type);
  scrape s{res->body};
  INFO(s.problem);
  REQUIRE(s.problem.empty());
  CHECK(s.samples["drover_tasks{state=\"pending\"}"] == 3);
  CHECK(s.samples["drover_stale_updates_rejected_total"] == 7);
  CHECK(s.samples["drover_ack_latency_seconds_count"] == 6);
  CHECK(s.samples["drover_ack_latency_seconds_bucket{le=\"+Inf\"}"] == 6);
}

}
