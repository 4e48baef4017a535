// Test support for the HTTP tests: an in-memory http_backend (jobs, tasks,
// rules through the real rules parser, nodes, metrics) and a fixture that
// runs the real http_server on 127.0.0.1 with an OS-picked port.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/backend.hpp"
#include "http/httplib_abi.hpp"
#include "http/server.hpp"
#include "rules/rule_set.hpp"

namespace drover {
namespace http_test {

/// Keeps everything in maps behind one mutex (the server calls it from
/// several threads). Each get_job call can advance the job by
/// `progress_per_poll` tasks, so `submit --wait` sees progress without a
/// clock.
class fake_backend : public http_backend {
public:
  std::mutex mtx;
  std::map<job_id, job_info> jobs;
  std::map<task_id, task_info> tasks;
  std::map<job_id, std::vector<task_id>> job_tasks_of;
  rules_info rules{1, "0000000000000000", "<default>", "version: 1\nrules: []\n"};
  std::vector<node_info> node_list;
  metrics_snapshot snapshot;
  health_info healthy;
  std::optional<error> fail_all;   ///< every call answers this error
  uint64_t progress_per_poll = 0;  ///< tasks get_job finishes per call
  bool finish_as_failed = false;   ///< ...as FAILED instead of SUCCEEDED
  std::vector<job_request> submitted;
  task_id next_task = 1;
  job_id next_job = 1;

  std::map<std::string, job_created> by_key; ///< idempotency keys seen

  result<job_created> submit_job(job_request req) override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    if (auto k = by_key.find(req.origin); !req.origin.empty() && k != by_key.end()) {
      auto again = k->second;
      again.existing = true;
      return again;
    }
    job_info j;
    j.id = next_job++;
    j.name = req.name;
    j.group = req.group;
    j.total = req.tasks.size();
    j.sealed = true;
    j.by_state[0] = j.total;
    j.created_ms = 1'700'000'000'000;
    job_created out{j.id, {}};
    for (auto& spec : req.tasks) {
      task_info t;
      t.t.id = next_task++;
      t.t.job = j.id;
      t.t.spec = spec;
      t.t.created_ms = j.created_ms;
      t.id = format_task_id("m1", j.created_ms, t.t.id);
      out.task_ids.push_back(t.id);
      job_tasks_of[j.id].push_back(t.t.id);
      tasks[t.t.id] = std::move(t);
    }
    jobs[j.id] = j;
    if (!req.origin.empty())
      by_key[req.origin] = out;
    submitted.push_back(std::move(req));
    return out;
  }

  result<job_page> list_jobs(uint64_t offset, uint32_t limit) override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    job_page page;
    page.total = jobs.size();
    uint64_t i = 0;
    for (auto& [id, j] : jobs)
      if (i++ >= offset && page.jobs.size() < limit)
        page.jobs.push_back(j);
    return page;
  }

  result<job_info> get_job(job_id id) override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    auto it = jobs.find(id);
    if (it == jobs.end())
      return error{ec::unknown_job, "no job " + std::to_string(id)};
    uint64_t moved = 0;
    for (auto tid : job_tasks_of[id]) {
      auto& t = tasks[tid].t;
      if (moved == progress_per_poll)
        break;
      if (is_terminal(t.state))
        continue;
      move(t, finish_as_failed ? task_state::failed : task_state::succeeded);
      t.result = finish_as_failed ? "boom " + std::to_string(tid) : "done";
      ++moved;
    }
    return jobs[id];
  }

  result<task_info> get_task(task_id id) override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    auto it = tasks.find(id);
    if (it == tasks.end())
      return error{ec::unknown_task, "no task " + std::to_string(id)};
    return it->second;
  }

  result<job_tasks> list_job_tasks(const task_query& q) override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    if (!jobs.count(q.job))
      return error{ec::unknown_job, "no job " + std::to_string(q.job)};
    job_tasks out;
    out.query = q;
    for (auto tid : job_tasks_of[q.job]) {
      const auto& info = tasks[tid];
      if (!q.any_state && info.t.state != q.state)
        continue;
      if (out.total++ >= q.offset && out.tasks.size() < q.limit) {
        out.ids.push_back(info.id);
        out.tasks.push_back(summary_of(info.t, q.max_result));
      }
    }
    return out;
  }

  result<task_cancelled> cancel_task(task_id id) override {
    std::lock_guard<std::mutex> g{mtx};
    auto it = tasks.find(id);
    if (it == tasks.end())
      return error{ec::unknown_task, "no task " + std::to_string(id)};
    auto& t = it->second.t;
    if (is_terminal(t.state))
      return error{ec::bad_transition, "task " + std::to_string(id) + " already "
                                         + to_string(t.state)};
    move(t, task_state::cancelled);
    return task_cancelled{it->second.id, t.state, t.version};
  }

  result<job_info> seal_job(job_id id) override {
    std::lock_guard<std::mutex> g{mtx};
    auto it = jobs.find(id);
    if (it == jobs.end())
      return error{ec::unknown_job, "no job " + std::to_string(id)};
    it->second.sealed = true;
    it->second.push = "complete";
    return it->second;
  }

  result<job_cancelled> cancel_job(job_id id) override {
    std::lock_guard<std::mutex> g{mtx};
    if (!jobs.count(id))
      return error{ec::unknown_job, "no job " + std::to_string(id)};
    job_cancelled out{id, 0};
    for (auto tid : job_tasks_of[id])
      if (!is_terminal(tasks[tid].t.state)) {
        move(tasks[tid].t, task_state::cancelled);
        ++out.cancelled;
      }
    return out;
  }

  result<rules_info> get_rules() override {
    std::lock_guard<std::mutex> g{mtx};
    return rules;
  }

  result<rules_info> put_rules(const std::string& yaml) override {
    rule_set rs;
    if (auto err = parse_rules(yaml, "<rest>", rs))
      return err;
    std::lock_guard<std::mutex> g{mtx};
    rules = rules_info{rs.version, rs.hash, "<rest>", yaml};
    return rules;
  }

  result<std::vector<node_info>> nodes() override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    return node_list;
  }

  result<metrics_snapshot> metrics() override {
    std::lock_guard<std::mutex> g{mtx};
    auto m = snapshot;
    for (auto& [id, t] : tasks)
      m.tasks_by_state[static_cast<int>(t.t.state)] += 1;
    return m;
  }

  std::vector<alert_info> raised; ///< what alerts() answers

  result<std::vector<alert_info>> alerts() override {
    std::lock_guard<std::mutex> g{mtx};
    return raised;
  }

  result<health_info> health() override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    return healthy;
  }

  // -- nodes: status reports and commands --
  std::map<std::string, std::vector<node_status>> reports; ///< by node; known nodes
  std::map<std::string, std::vector<node_command>> commands;

  result<std::vector<node_status>> node_history(const std::string& node,
                                                int64_t since_ms) override {
    std::lock_guard<std::mutex> g{mtx};
    auto i = reports.find(node);
    if (i == reports.end())
      return error{ec::unknown_member, "no node '" + node + "'"};
    std::vector<node_status> out;
    for (auto& s : i->second)
      if (s.at_ms > since_ms)
        out.push_back(s);
    return out;
  }

  result<node_command> post_node_command(const std::string& node,
                                         const std::string& command) override {
    std::lock_guard<std::mutex> g{mtx};
    command_kind k;
    if (reports.count(node) == 0)
      return error{ec::unknown_member, "no node '" + node + "'"};
    if (!parse_command_kind(command, k))
      return error{ec::bad_input, "unknown command '" + command + "'"};
    node_command c;
    c.id = commands[node].size() + 1;
    c.node = node;
    c.kind = k;
    c.by = "rest";
    commands[node].push_back(c);
    return c;
  }

  result<std::vector<node_command>> node_commands(const std::string& node) override {
    std::lock_guard<std::mutex> g{mtx};
    if (reports.count(node) == 0)
      return error{ec::unknown_member, "no node '" + node + "'"};
    return commands[node];
  }

  // -- schedules: the real schedule_book on a fixed clock
  schedule_book sched_book;
  std::map<uint64_t, recurrence> sched_recs;
  int64_t sched_now_ms = 1'700'000'000'000;

  result<schedule_record> create_schedule(schedule_input in) override {
    std::lock_guard<std::mutex> g{mtx};
    auto checked = check_schedule_input(in);
    if (!checked)
      return checked.err();
    error err;
    auto& r = sched_book.add(in, checked->rec, checked->policy, sched_now_ms, false, err);
    if (err)
      return err;
    sched_recs[r.id] = checked->rec;
    return r;
  }
  result<std::vector<schedule_record>> list_schedules() override {
    std::lock_guard<std::mutex> g{mtx};
    std::vector<schedule_record> out;
    for (auto& [id, r] : sched_book.all())
      out.push_back(r);
    return out;
  }
  result<schedule_record> get_schedule(uint64_t id) override {
    return on_schedule(id, [](schedule_record&) { return error{}; });
  }
  result<schedule_record> set_schedule_running(uint64_t id, bool running) override {
    return on_schedule(id, [&](schedule_record& r) {
      if (running)
        schedule_book::start(r, sched_recs[id], sched_now_ms);
      else
        schedule_book::stop(r);
      return error{};
    });
  }
  result<schedule_record> change_schedule(uint64_t id, std::string every,
                                          std::string cron) override {
    return on_schedule(id, [&](schedule_record& r) {
      auto rec = parse_recurrence(every, cron);
      if (!rec)
        return rec.err();
      sched_recs[id] = *rec;
      r.every = every;
      r.cron = cron;
      schedule_book::change(r, sched_recs[id], sched_now_ms);
      return error{};
    });
  }
  result<schedule_record> delete_schedule(uint64_t id) override {
    auto r = get_schedule(id);
    std::lock_guard<std::mutex> g{mtx};
    if (r)
      sched_book.remove(id);
    return r;
  }

private:
  template <class F>
  result<schedule_record> on_schedule(uint64_t id, F f) {
    std::lock_guard<std::mutex> g{mtx};
    auto* r = sched_book.find(id);
    if (!r)
      return error{ec::unknown_job, "no schedule " + std::to_string(id)};
    if (auto err = f(*r))
      return err;
    return *r;
  }

  /// Moves a task to `to`, keeping its job's counts and times in step.
  void move(task& t, task_state to) {
    auto& j = jobs[t.job];
    j.by_state[static_cast<int>(t.state)] -= 1;
    j.by_state[static_cast<int>(to)] += 1;
    t.state = to;
    t.version += 1;
    t.finished_ms = 1'700'000'001'000;
    if (j.started_ms == 0)
      j.started_ms = j.created_ms;
    if (is_finished(j))
      j.finished_ms = t.finished_ms;
  }
};

/// The real server on 127.0.0.1:<free port> over a fake_backend, and a
/// client for it. Every wait is bounded by the client's timeouts.
/// The JSON body of an answer; fails the test if there is none or it is not JSON.
inline nlohmann::json body_of(const httplib::Result& res) {
  REQUIRE(res);
  INFO(res->body);
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  return doc;
}

struct server_fixture {
  fake_backend backend;
  http_server server;
  httplib::Client client;

  explicit server_fixture(http_server_options opts = {})
    : server(backend, std::move(opts)), client(start_and_url()) {
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(10));
    client.set_write_timeout(std::chrono::seconds(10));
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }

private:
  std::string start_and_url() {
    auto err = server.start("127.0.0.1", 0);
    INFO(err.message);
    REQUIRE_FALSE(err);
    REQUIRE(server.port() != 0);
    return url();
  }
};

/// A fixture whose server demands a token.
struct token_fixture : server_fixture {
  token_fixture() : server_fixture(options()) {}
  static http_server_options options() {
    http_server_options o;
    o.token = "s3cret";
    return o;
  }
};

/// A fixture with small limits, to test 413 without megabytes.
struct small_limits_fixture : server_fixture {
  small_limits_fixture() : server_fixture(options()) {}
  static http_server_options options() {
    http_server_options o;
    o.max_body = 1024;
    o.max_tasks = 5;
    return o;
  }
};

} // namespace http_test
} // namespace drover
