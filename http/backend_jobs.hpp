// The jobs and tasks feature of the REST backend (http/routes_jobs.cpp).
// The shared contract (threads, bounded waits, error codes): http/backend.hpp.
#pragma once

#include <cstdint>

#include "http/api_types.hpp"

namespace drover {

class jobs_backend {
public:
  virtual ~jobs_backend() = default;

  /// Stores the job and all its tasks; returns only once they are durable
  /// (DESIGN.md §2 step 3). Nothing is stored if it fails. A request whose
  /// origin (idempotency key) is known answers the job stored before, with
  /// `existing` set.
  virtual result<job_created> submit_job(job_request req) = 0;

  /// Jobs by id ascending, skipping `offset`, at most `limit` (1..1000).
  virtual result<job_page> list_jobs(uint64_t offset, uint32_t limit) = 0;

  /// ec::unknown_job if there is no such job.
  virtual result<job_info> get_job(job_id id) = 0;

  /// ec::unknown_task if there is no such task.
  virtual result<task_info> get_task(task_id id) = 0;

  /// A page of job q.job's tasks (all, or those in q.state), finished ones
  /// included; ec::unknown_job.
  virtual result<job_tasks> list_job_tasks(const task_query& q) = 0;

  /// Moves the task to CANCELLED. ec::unknown_task; ec::bad_transition if
  /// it already reached a terminal state (the message names it).
  virtual result<task_cancelled> cancel_task(task_id id) = 0;

  /// Seals the job: it takes no more task lists and is finished once the
  /// tasks it has end (a push cut short). The job after; ec::unknown_job.
  virtual result<job_info> seal_job(job_id id) = 0;

  /// Cancels every task of the job not yet terminal; ec::unknown_job.
  virtual result<job_cancelled> cancel_job(job_id id) = 0;
};

} // namespace drover
