// What the REST server (http/server.hpp) needs from the manager: one call
// per operation, each returning a value or a drover::error. app/ implements
// it with a CAF request to the manager actor and a timeout; the tests with
// an in-memory fake. http/ itself never sees CAF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data.hpp"
#include "core/schedule_book.hpp"
#include "http/api_types.hpp"

namespace drover {

class worker_backend;

/// Calls run on the HTTP server's own threads, several at once, and may
/// block until the manager answers: an implementation must be thread-safe
/// and must bound every wait (answer ec::unreachable on a timeout).
/// Errors map to HTTP statuses in http/status.cpp: unknown_job,
/// unknown_task, unknown_member 404; bad_input 400; invalid_rules 422;
/// bad_transition, stale_version 409; unreachable, no_manager 503;
/// overloaded (queues full, issue 10) 429; store errors 500.
class http_backend {
public:
  virtual ~http_backend() = default;

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

  // -- multi-user data scheduling (#9) ---------------------------------------
  // Not pure: a backend without a courier answers that the feature is off.
  // Unknown users are ec::unknown_member (404); a full courier ec::overloaded.

  /// A new user with a fresh id, bound to a consumer node if one lives.
  virtual result<user_info> create_user(const std::string& name) { return data_off(name); }
  virtual result<std::vector<user_info>> list_users() { return data_off(""); }
  virtual result<user_info> get_user(uint64_t) { return data_off(""); }
  /// Durable in the courier when it returns (the delivery happens later).
  virtual result<send_receipt> send_data(send_request) { return data_off(""); }
  /// The user's oldest items, at most `max`; removed only by ack_data.
  virtual result<recv_batch> recv_data(uint64_t, uint32_t) { return data_off(""); }
  /// Removes the user's items up to and including `last_id`; how many.
  virtual result<uint64_t> ack_data(uint64_t, const std::string&) { return data_off(""); }
  /// A delivery with its lifecycle records; ec::unknown_task if none.
  virtual result<delivery_info> get_delivery(const std::string&) {
    return error{ec::unknown_task, "no such delivery"};
  }
  /// The largest send_data body (413 above).
  virtual std::size_t max_data() const { return std::size_t{1} << 20; }

  // -- nodes: status reports and commands (issue #9 items 5-6) --

  /// Status reports of `node` with at_ms > `since_ms` (unix ms), oldest
  /// first, at most the last 150. ec::unknown_member.
  virtual result<std::vector<node_status>> node_history(const std::string& node,
                                                        int64_t since_ms) = 0;
  /// Queues `command` (restart, clear_cache, drain, update, sleep, wake) for
  /// `node`; the node fetches it with its next status report.
  /// ec::unknown_member; ec::bad_input for a command or node it cannot take.
  virtual result<node_command> post_node_command(const std::string& node,
                                                 const std::string& command) = 0;
  /// The commands of `node`, oldest first. ec::unknown_member.
  virtual result<std::vector<node_command>> node_commands(const std::string& node) = 0;

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

  /// Remote workers over HTTP (http/worker_backend.hpp); null: none here.
  virtual worker_backend* workers_api() { return nullptr; }

private:
  static error data_off(const std::string&) {
    return error{ec::unreachable, "multi-user data scheduling does not run in this process"};
  }
  static error no_schedules() {
    return error{ec::unreachable, "this process runs no scheduler"};
  }
};

} // namespace drover
