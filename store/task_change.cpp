// The small pure helpers of store/task_store.hpp: building the persisted
// change of a task and naming lifecycle events (REST, logs).
#include "store/task_store.hpp"

#include <unordered_map>
#include <utility>

namespace drover {

task_change change_of(const task& t, event_kind event, std::string detail,
                      int64_t event_ms) {
  task_change c;
  c.id = t.id;
  c.state = t.state;
  c.version = t.version;
  c.attempt = t.attempt;
  c.lease_version = t.lease_version;
  c.consumer = t.consumer;
  c.result = t.result;
  c.assigned_ms = t.assigned_ms;
  c.started_ms = t.started_ms;
  c.finished_ms = t.finished_ms;
  c.event = event;
  c.detail = std::move(detail);
  c.event_ms = event_ms;
  return c;
}

std::vector<bool> newest_changes(const std::vector<task_change>& changes) {
  std::unordered_map<task_id, size_t> winner;
  winner.reserve(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    auto [it, fresh] = winner.emplace(changes[i].id, i);
    if (!fresh && changes[i].version > changes[it->second].version)
      it->second = i;
  }
  std::vector<bool> out(changes.size(), false);
  for (const auto& [id, i] : winner)
    out[i] = true;
  return out;
}

const char* to_string(event_kind k) {
  switch (k) {
    case event_kind::none: return "none";
    case event_kind::created: return "created";
    case event_kind::assigned: return "assigned";
    case event_kind::started: return "started";
    case event_kind::succeeded: return "succeeded";
    case event_kind::failed: return "failed";
    case event_kind::retried: return "retried";
    case event_kind::reassigned: return "reassigned";
    case event_kind::timed_out: return "timed_out";
    case event_kind::cancelled: return "cancelled";
    case event_kind::stale_ack: return "stale_ack";
    case event_kind::attempt_log: return "log";
  }
  return "unknown";
}

} // namespace drover
