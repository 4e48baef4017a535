// What the REST server needs from the rest of the process: one narrow
// interface per feature (http/backend_*.hpp), each used by that feature's
// routes file only (http/routes_*.cpp), gathered in one bundle for the
// server. app/http_backend*.cpp implements them with CAF requests and a
// timeout, the tests with small in-memory fakes; http/ itself never sees CAF.
//
// Every interface shares this contract. Calls run on the HTTP server's own
// threads, several at once, and may block until the process answers: an
// implementation must be thread-safe and must bound every wait (answer
// ec::unreachable on a timeout). Errors map to HTTP statuses in
// http/status.cpp: unknown_job, unknown_task, unknown_member 404;
// bad_input 400; invalid_rules 422; bad_transition, stale_version 409;
// unreachable, no_manager 503; overloaded (queues or courier full) 429;
// store errors 500.
#pragma once

namespace drover {

class jobs_backend;
class rules_backend;
class nodes_backend;
class monitor_backend;
class data_backend;
class schedules_backend;
class worker_backend;
class insight_backend;

/// The features one http_server serves; each must outlive the server. A
/// null member leaves that feature's routes out (they answer 404), so a
/// test serves just the feature it exercises. A real process sets all.
struct http_backends {
  jobs_backend* jobs = nullptr;           ///< /v1/jobs..., /v1/tasks...
  rules_backend* rules = nullptr;         ///< /v1/rules
  nodes_backend* nodes = nullptr;         ///< /v1/nodes...
  monitor_backend* monitor = nullptr;     ///< /healthz, /metrics, /v1/overview, /v1/alerts
  data_backend* data = nullptr;           ///< /v1/users, /v1/send_data, /v1/recv_data
  schedules_backend* schedules = nullptr; ///< /v1/schedules...
  worker_backend* workers = nullptr;      ///< /v1/workers/poll, /v1/tasks/{id}/heartbeat|complete|fail
  insight_backend* insight = nullptr;     ///< /v1/events, /v1/series, /v1/manager, /v1/nodes/{id}
};

} // namespace drover
