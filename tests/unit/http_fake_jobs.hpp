// Test support: an in-memory jobs_backend (jobs and their tasks in maps).
// Each get_job call can advance the job by `progress_per_poll` tasks, so
// `submit --wait` sees progress without a clock.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/backend_jobs.hpp"

namespace drover {
namespace http_test {

/// Keeps everything behind one mutex (the server calls it from several threads).
class fake_jobs : public jobs_backend {
public:
  std::mutex mtx;
  std::map<job_id, job_info> jobs;
  std::map<task_id, task_info> tasks;
  std::map<job_id, std::vector<task_id>> job_tasks_of;
  std::optional<error> fail_all;   ///< every read and submit answers this error
  uint64_t progress_per_poll = 0;  ///< tasks get_job finishes per call
  bool finish_as_failed = false;   ///< ...as FAILED instead of SUCCEEDED
  std::vector<job_request> submitted;
  std::map<std::string, job_created> by_key; ///< idempotency keys seen
  task_id next_task = 1;
  job_id next_job = 1;

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

private:
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

} // namespace http_test
} // namespace drover
