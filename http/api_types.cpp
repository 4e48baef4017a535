// Small computations on the HTTP layer's plain data (http/api_types.hpp).
#include "http/api_types.hpp"

#include <algorithm>

#include "core/job_identity.hpp"

namespace drover {

uint64_t finished_tasks(const job_info& j) {
  uint64_t n = 0;
  for (int s = 0; s < task_state_count; ++s)
    if (is_terminal(static_cast<task_state>(s)))
      n += j.by_state[s];
  return n;
}

bool is_finished(const job_info& j) {
  return j.sealed && finished_tasks(j) >= j.total;
}

bool all_succeeded(const job_info& j) {
  return is_finished(j)
         && j.by_state[static_cast<int>(task_state::succeeded)] == j.total;
}

double job_rate(const job_info& j, int64_t now_ms) {
  int64_t from = j.started_ms != 0 ? j.started_ms : j.created_ms;
  int64_t to = j.finished_ms != 0 ? j.finished_ms : now_ms;
  if (from == 0 || to <= from)
    return 0;
  return static_cast<double>(finished_tasks(j)) * 1000.0
         / static_cast<double>(to - from);
}

result<std::string> idempotency_key(const std::string& header, const std::string& body) {
  if (!header.empty() && !body.empty() && header != body)
    return error{ec::bad_input, "the Idempotency-Key header ('" + header
                                  + "') and the body's idempotency_key ('" + body
                                  + "') differ; give one of them"};
  if (header.empty() && body.empty())
    return std::string{};
  if (auto err = check_identity(header.empty() ? body : header,
                                header.empty() ? "idempotency_key" : "the Idempotency-Key header"))
    return err;
  return header.empty() ? body : header;
}

const char* to_string(node_state s) {
  switch (s) {
    case node_state::up: return "up";
    case node_state::lost: return "lost";
    case node_state::left: return "left";
  }
  return "unknown";
}

void latency_histogram::observe(double seconds) {
  seconds = std::max(seconds, 0.0);
  // Prometheus buckets are "le": a value equal to a bound belongs to it,
  // so the first bound >= the value (lower_bound) names the bucket.
  auto it = std::lower_bound(bounds.begin(), bounds.end(), seconds);
  counts[static_cast<size_t>(it - bounds.begin())] += 1;
  sum += seconds;
  count += 1;
}

} // namespace drover
