// What the REST server (http/server.hpp) needs from the manager: one call
// per operation, each returning a value or a drover::error. app/ implements
// it with a CAF request to the manager actor and a timeout; the tests with
// an in-memory fake. http/ itself never sees CAF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/schedule_book.hpp"
#include "http/api_types.hpp"

namespace drover {

/// Calls run on the HTTP server's own threads, several at once, and may
/// block until the manager answers: an implementation must be thread-safe
/// and must bound every wait (answer ec::unreachable on a timeout).
/// Errors map to HTTP statuses in http/status.cpp: unknown_job,
/// unknown_task, unknown_member 404; bad_input 400; invalid_rules 422;
/// bad_transition, stale_version 409; unreachable, no_manager, overloaded
/// 503; store errors 500.
class http_backend {
public:
  virtual ~http_backend() = default;

  /// Stores the job and all its tasks; returns only once they are durable
  /// (DESIGN.md §2 step 3). Nothing is stored if it fails.
  virtual result<job_created> submit_job(job_request req) = 0;

  /// Jobs by id ascending, skipping `offset`, at most `limit` (1..1000).
  virtual result<job_page> list_jobs(uint64_t offset, uint32_t limit) = 0;

  /// ec::unknown_job if there is no such job.
  virtual result<job_info> get_job(job_id id) = 0;

  /// ec::unknown_task if there is no such task.
  virtual result<task_info> get_task(task_id id) = 0;

  /// Moves the task to CANCELLED. ec::unknown_task; ec::bad_transition if
  /// it already reached a terminal state (the message names it).
  virtual result<task_cancelled> cancel_task(task_id id) = 0;

  /// Cancels every task of the job not yet terminal; ec::unknown_job.
  virtual result<job_cancelled> cancel_job(job_id id) = 0;

  /// The rule set in force.
  virtual result<rules_info> get_rules() = 0;

  /// Parses and validates `yaml`, then swaps it in atomically. On a bad set
  /// returns ec::invalid_rules whose message has one "source:line:column:
  /// what is wrong" line per problem; the old set stays.
  virtual result<rules_info> put_rules(const std::string& yaml) = 0;

  /// Every member the manager knows, with its state and load.
  virtual result<std::vector<node_info>> nodes() = 0;

  /// Gauges and counters for GET /metrics.
  virtual result<metrics_snapshot> metrics() = 0;

  /// Whether the manager answers and is ready (GET /healthz).
  virtual result<health_info> health() = 0;

  /// The latest supervisor alerts (at most 100), oldest first.
  virtual result<std::vector<alert_info>> alerts() = 0;

  // -- schedules (issue #10 item 6) -------------------------------------------
  // A process without a scheduler answers 503 (the defaults below). Unknown
  // ids are ec::unknown_job (404), bad input ec::bad_input (400), a taken
  // name ec::bad_transition (409).

  /// Creates a schedule from checked input (http/schedule_json.hpp).
  virtual result<schedule_record> create_schedule(schedule_input /*in*/) { return no_schedules(); }
  /// Every schedule by id.
  virtual result<std::vector<schedule_record>> list_schedules() { return no_schedules(); }
  virtual result<schedule_record> get_schedule(uint64_t /*id*/) { return no_schedules(); }
  /// Starts (running) or stops a schedule; a no-op if it is so already.
  virtual result<schedule_record> set_schedule_running(uint64_t /*id*/, bool /*running*/) {
    return no_schedules();
  }
  /// A new period (exactly one of every and cron), counted from now.
  virtual result<schedule_record> change_schedule(uint64_t /*id*/, std::string /*every*/,
                                                  std::string /*cron*/) {
    return no_schedules();
  }
  /// Removes it; answers it as it was, stopped.
  virtual result<schedule_record> delete_schedule(uint64_t /*id*/) { return no_schedules(); }

private:
  static error no_schedules() {
    return error{ec::unreachable, "this process runs no scheduler"};
  }
};

} // namespace drover
