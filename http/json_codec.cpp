// Backend answers -> JSON bodies (http/json_codec.hpp). Field names here
// are the public API: change them only together with http/API.md.
#include "http/json_codec.hpp"
#include "http/node_json.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace drover {

using json = nlohmann::json;

std::string dump_json(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json to_json(const job_created& c) {
  return {{"job_id", c.job}, {"task_ids", c.task_ids}, {"existing", c.existing}};
}

json to_json(const std::vector<waiting_group>& groups) {
  json arr = json::array();
  for (const auto& g : groups)
    arr.push_back({{"reason", g.reason}, {"why", g.why}, {"type", g.type},
                   {"detail", g.detail}, {"tasks", g.tasks}});
  return arr;
}

json to_json(const job_info& j, int64_t now_ms) {
  json counts = json::object();
  for (int s = 0; s < task_state_count; ++s)
    counts[to_string(static_cast<task_state>(s))] = j.by_state[s];
  json out = {{"id", j.id},
          {"name", j.name},
          {"group", j.group},
          {"total", j.total},
          {"sealed", j.sealed},
          {"finished", is_finished(j)},
          {"done", finished_tasks(j)},
          {"counts", std::move(counts)},
          {"unassignable", j.unassignable},
          {"waiting", to_json(j.waiting)},
          {"created_ms", j.created_ms},
          {"started_ms", j.started_ms},
          {"finished_ms", j.finished_ms},
          {"rate", job_rate(j, now_ms)},
          {"recent_rate", j.recent_rate < 0 ? json(nullptr)
                                            : json(std::round(j.recent_rate * 100) / 100)}};
  if (!j.origin.empty())
    out["idempotency_key"] = j.origin;
  if (!j.push.empty()) {
    out["push"] = j.push; // complete | pushing | incomplete
    if (j.push != "complete") {
      out["producer"] = j.producer;
      out["push_age_ms"] = j.pushed_ms > 0 && now_ms > j.pushed_ms ? now_ms - j.pushed_ms : 0;
    }
  }
  if (j.cancelled)
    out["cancelled"] = true;
  if (j.merge_task != 0) // parts and merge apart (counts include both)
    out["merge"] = {{"task", j.merge_task}, {"state", j.merge_state}, {"parts", j.total - 1}};
  return out;
}

json to_json(const job_page& p, uint64_t offset, uint32_t limit, int64_t now_ms) {
  json jobs = json::array();
  for (auto& j : p.jobs)
    jobs.push_back(to_json(j, now_ms));
  return {{"jobs", std::move(jobs)}, {"offset", offset}, {"limit", limit}, {"total", p.total}};
}

std::vector<task_event> task_history(const task_info& info) {
  const task& t = info.t;
  std::vector<task_event> out;
  auto has = [&](event_kind k) {
    return std::any_of(info.events.begin(), info.events.end(),
                       [k](const task_event& e) { return e.kind == k; });
  };
  auto add = [&](event_kind k, int64_t at, std::string detail) {
    if (at != 0 && !has(k))
      out.push_back(task_event{k, 0, at, std::move(detail)});
  };
  add(event_kind::created, t.created_ms, {});
  add(event_kind::assigned, t.assigned_ms, t.consumer.empty() ? "" : "to " + t.consumer);
  add(event_kind::started, t.started_ms, {});
  switch (t.state) {
    case task_state::succeeded: add(event_kind::succeeded, t.finished_ms, {}); break;
    case task_state::failed: add(event_kind::failed, t.finished_ms, {}); break;
    case task_state::cancelled: add(event_kind::cancelled, t.finished_ms, {}); break;
    case task_state::timed_out: add(event_kind::timed_out, t.finished_ms, {}); break;
    default: break;
  }
  out.insert(out.end(), info.events.begin(), info.events.end());
  // Stable: records with the same time keep lifecycle order.
  std::stable_sort(out.begin(), out.end(), [](const task_event& a, const task_event& b) {
    return a.at_ms < b.at_ms;
  });
  return out;
}

json to_json(const task_info& info) {
  const task& t = info.t;
  json history = json::array();
  for (auto& e : task_history(info)) {
    json rec{{"event", to_string(e.kind)}, {"at_ms", e.at_ms}, {"detail", e.detail}};
    if (e.version != 0) // rebuilt records do not know their version
      rec["version"] = e.version;
    history.push_back(std::move(rec));
  }
  return {{"id", info.id},
          {"job_id", t.job},
          {"type", t.spec.type},
          {"payload", t.spec.payload},
          {"priority", to_string(t.spec.prio)},
          {"key", t.spec.key},
          {"tags", t.spec.tags},
          {"dedupe_key", t.spec.dedupe_key},
          {"timeout_ms", t.spec.timeout_ms},
          {"max_attempts", t.spec.max_attempts},
          {"state", to_string(t.state)},
          {"version", t.version},
          {"attempt", t.attempt},
          {"consumer", t.consumer},
          {"result", t.result},
          {"created_ms", t.created_ms},
          {"assigned_ms", t.assigned_ms},
          {"started_ms", t.started_ms},
          {"finished_ms", t.finished_ms},
          {"history", std::move(history)}};
}

namespace {

/// Which key a task's result text goes under in a list (see the header).
const char* result_key(const task_summary& t) {
  switch (t.state) {
    case task_state::succeeded: return "result";
    case task_state::failed:
    case task_state::timed_out:
    case task_state::cancelled: return "error";
    default: return t.attempt > 1 && t.result_bytes > 0 ? "last_error" : nullptr;
  }
}

} // namespace

json to_json(const job_tasks& page) {
  json tasks = json::array();
  for (size_t i = 0; i < page.tasks.size() && i < page.ids.size(); ++i) {
    const auto& t = page.tasks[i];
    json o{{"id", page.ids[i]},
           {"job_id", t.job},
           {"type", t.type},
           {"state", to_string(t.state)},
           {"attempt", t.attempt},
           {"max_attempts", t.max_attempts},
           {"consumer", t.consumer},
           {"finished_ms", t.finished_ms}};
    if (!t.key.empty())
      o["key"] = t.key;
    if (auto* key = result_key(t)) {
      o[key] = t.result;
      o["result_bytes"] = t.result_bytes;
      o["truncated"] = t.result.size() < t.result_bytes;
    }
    tasks.push_back(std::move(o));
  }
  const auto& q = page.query;
  return {{"job_id", q.job == 0 ? json(nullptr) : json(q.job)},
          {"state", q.any_state ? json(nullptr) : json(to_string(q.state))},
          {"q", q.search ? json(q.key) : json(nullptr)},
          {"offset", q.offset},
          {"limit", q.limit},
          {"total", page.total},
          {"tasks", std::move(tasks)}};
}

json to_json(const task_cancelled& c) {
  return {{"id", c.id}, {"state", to_string(c.state)}, {"version", c.version}};
}

json to_json(const job_cancelled& c) {
  return {{"job_id", c.job}, {"cancelled", c.cancelled}};
}

json to_json(const rules_info& r) {
  return {{"version", r.version}, {"hash", r.hash}, {"source", r.source},
          {"rules", r.rules},     {"since_ms", r.since_ms}, {"text", r.text}};
}

json to_json(const node_info& n) {
  const auto& m = n.member;
  double load = m.capacity == 0 ? 0.0 : static_cast<double>(n.inflight) / m.capacity;
  json entry = {{"node", m.node},
                {"role", to_string(m.role)},
                {"state", to_string(n.state)},
                {"tags", m.tags},
                {"types", m.types},
                {"capacity", m.capacity},
                {"prefetch", m.prefetch},
                {"inflight", n.inflight},
                {"load", load},
                {"group", m.group},
                {"address", m.address},
                {"last_heartbeat_ms", n.last_heartbeat_ms},
                {"active", n.active},
                {"since_ms", n.since_ms},
                {"reason", n.reason},
                {"executed", n.executed},
                {"failed", n.failed},
                {"released", n.released}};
  add_node_fields(entry, n); // mode and latest status report
  return entry;
}

json to_json(const std::vector<node_info>& nodes) {
  json arr = json::array();
  for (auto& n : nodes)
    arr.push_back(to_json(n));
  return {{"nodes", std::move(arr)}};
}

json to_json(const health_info& h) {
  return {{"status", h.ready ? "ok" : "starting"}, {"detail", h.detail}};
}

json to_json(const std::vector<alert_info>& alerts) {
  json arr = json::array();
  for (auto& a : alerts)
    arr.push_back({{"at_ms", a.at_ms}, {"node", a.node}, {"kind", a.kind}, {"text", a.text}});
  return {{"alerts", std::move(arr)}};
}

json to_json(const metrics_snapshot& m) {
  json tasks = json::object();
  for (int s = 0; s < task_state_count; ++s)
    tasks[to_string(static_cast<task_state>(s))] = m.tasks_by_state[s];
  json queues = json::object();
  for (int p = 0; p < priority_count; ++p)
    queues[to_string(static_cast<priority>(p))] = m.queue_depth[p];
  json members = json::object();
  for (int r = 0; r < member_role_count; ++r)
    members[to_string(static_cast<member_role>(r))] = m.members_by_role[r];
  return {{"tasks", std::move(tasks)},
          {"queue_depth", std::move(queues)},
          {"retry_queue", m.retry_queue},
          {"members", std::move(members)},
          {"assignments", m.assignments},
          {"acks", m.acks},
          {"stale_rejected", m.stale_rejected},
          {"retries", m.retries},
          {"reassignments", m.reassignments},
          {"timeouts", m.timeouts},
          {"cancelled", m.cancelled},
          {"alerts", m.alerts},
          {"waiting", to_json(m.waiting)},
          {"ack_latency", {{"count", m.ack_latency.count}, {"sum_s", m.ack_latency.sum}}}};
}

} // namespace drover
