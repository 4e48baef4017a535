// The jobs and tasks backend of a real process: requests to the manager.
// Task ids go out as NODE_MS_NUMBER, built here from the manager's node.
#include <atomic>

#include <fmt/format.h>

#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "app/http_backend.hpp"
#include "app/http_backend_calls.hpp"
#include "http/backend_jobs.hpp"

namespace drover {

namespace {

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

class caf_jobs : public jobs_backend {
public:
  caf_jobs(caf::actor_system& sys, const caf_backend_options& o)
    : calls_(sys, manager_wording()), manager_(o.manager), node_(o.node), timeout_(o.timeout),
      submit_timeout_(o.submit_timeout) {}

  result<job_created> submit_job(job_request req) override {
    task_list list;
    list.origin = !req.origin.empty() ? req.origin
                                      : fmt::format("rest_{}_{}", unix_ms(), ++submissions_);
    list.job_name = std::move(req.name);
    list.group = std::move(req.group);
    list.last = true; // one list, one transaction: a job is stored whole or not at all
    list.tasks = std::move(req.tasks);
    auto ack = calls_.ask<list_ack>(manager_, submit_timeout_, submit_atom::value,
                                    std::move(list));
    if (!ack)
      return ack.err();
    job_created out;
    out.job = ack->job;
    out.existing = ack->resent;
    out.task_ids.reserve(ack->count);
    for (uint32_t i = 0; i < ack->count; ++i)
      out.task_ids.push_back(format_task_id(node_, ack->created_ms, ack->first + i));
    return out;
  }

  result<job_page> list_jobs(uint64_t offset, uint32_t limit) override {
    return calls_.ask<job_page>(manager_, timeout_, get_atom::value, job_atom::value, offset,
                                limit);
  }

  result<job_info> get_job(job_id id) override {
    return calls_.ask<job_info>(manager_, timeout_, get_atom::value, job_atom::value, id);
  }

  result<task_info> get_task(task_id id) override {
    // Two values in the answer (the task and its events): not calls_.ask.
    caf::scoped_actor self{calls_.system()};
    error err;
    task_info out;
    self->request(manager_, timeout_, get_atom::value, id)
      .receive(
        [&](task& t, std::vector<task_event>& events) {
          out.id = format_task_id(node_, t.created_ms, t.id);
          out.t = std::move(t);
          out.events = std::move(events);
        },
        [&](caf::error& e) { err = calls_.from_caf(e); });
    if (err)
      return err;
    return out;
  }

  result<job_tasks> list_job_tasks(const task_query& q) override {
    auto page = calls_.ask<task_page>(manager_, timeout_, get_atom::value, q);
    if (!page)
      return page.err();
    job_tasks out;
    out.query = q;
    out.total = page->total;
    out.tasks = std::move(page->tasks);
    out.ids.reserve(out.tasks.size());
    for (const auto& t : out.tasks)
      out.ids.push_back(format_task_id(node_, t.created_ms, t.id));
    return out;
  }

  result<task_cancelled> cancel_task(task_id id) override {
    auto version = calls_.ask<uint64_t>(manager_, timeout_, cancel_atom::value, id);
    if (version) {
      auto t = get_task(id);
      return task_cancelled{t ? t->id : std::to_string(id), task_state::cancelled,
                            version.value()};
    }
    if (version.err().code != ec::unknown_task)
      return version.err();
    // Not queued or running: finished (say how) or unknown.
    auto t = get_task(id);
    if (!t)
      return t.err();
    return error{ec::bad_transition, fmt::format("task {} already ended {}; only queued or "
                                                 "running tasks can be cancelled",
                                                 t->id, to_string(t->t.state))};
  }

  result<job_info> seal_job(job_id id) override {
    return calls_.ask<job_info>(manager_, timeout_, seal_atom::value, job_atom::value, id);
  }

  result<job_cancelled> cancel_job(job_id id) override {
    auto n = calls_.ask<uint64_t>(manager_, timeout_, cancel_atom::value, job_atom::value, id);
    if (!n)
      return n.err();
    return job_cancelled{id, n.value()};
  }

private:
  actor_calls calls_;
  caf::actor manager_;
  std::string node_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds submit_timeout_;
  std::atomic<uint64_t> submissions_{0};
};

} // namespace

std::unique_ptr<jobs_backend> make_caf_jobs(caf::actor_system& sys, const caf_backend_options& o) {
  return std::make_unique<caf_jobs>(sys, o);
}

} // namespace drover
