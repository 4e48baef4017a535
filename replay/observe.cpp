// See observe.hpp. Everything traced comes from ordered containers or
// counters, never from unordered iteration or wall clocks, so the trace of
// a virtual-time run is the same byte for byte.
#include "replay/observe.hpp"

#include <fmt/format.h>

#include "actors/manager_state.hpp"
#include "replay/cluster.hpp"
#include "store/task_store.hpp"

namespace drover::replay {

namespace {

uint64_t state_total(const manager_state& st, task_state s) {
  uint64_t n = 0;
  for (auto& [id, j] : st.table.jobs())
    n += j.by_state[static_cast<int>(s)];
  return n;
}

std::string counters_diff(const snapshot& a, const snapshot& b) {
  std::string out;
  for (auto& [name, v] : b.counters) {
    auto i = a.counters.find(name);
    auto old = i == a.counters.end() ? 0 : i->second;
    if (v != old)
      out += fmt::format(" {}={}", name, v);
  }
  return out;
}

} // namespace

/// Every accepted report either retried its task or ended it SUCCEEDED or
/// FAILED, so accepted - retries-by-report - (succeeded + failed) must be 0.
/// Retries that came from timeouts (timeouts - TIMED_OUT) are not reports.
uint64_t completed_twice(const manager_stats& s, uint64_t succeeded, uint64_t failed,
                         uint64_t timed_out) {
  return completed_twice(s.acks, s.stale, s.retries, s.timeouts, succeeded, failed, timed_out);
}

uint64_t completed_twice(uint64_t acks, uint64_t stale, uint64_t retries, uint64_t timeouts,
                         uint64_t succeeded, uint64_t failed, uint64_t timed_out) {
  auto retries_by_timeout = timeouts > timed_out ? timeouts - timed_out : 0;
  auto retries_by_report = retries > retries_by_timeout ? retries - retries_by_timeout : 0;
  auto accepted = acks - stale;
  auto recorded = accepted > retries_by_report ? accepted - retries_by_report : 0;
  auto ended = succeeded + failed;
  return recorded > ended ? recorded - ended : 0;
}

void observer::add_node_counters(const sim_cluster& cl, snapshot& s) {
  uint64_t executed = 0, restarts = 0;
  for (auto& [name, m] : cl.members) {
    executed += m.executed->load();
    std::lock_guard<std::mutex> guard{m.role->mtx};
    restarts += m.role->spawns > m.starts ? m.role->spawns - m.starts : 0;
  }
  s.counters["executed"] = executed;
  s.counters["restarts"] = restarts;
}

std::vector<task_record::reassignment> reassignments_of(const std::vector<task_event>& events,
                                                         int64_t t0_ms) {
  std::vector<task_record::reassignment> out;
  for (auto& e : events) {
    if (e.kind != event_kind::reassigned)
      continue;
    // detail is "from <node>: <why>" (manager_membership.cpp)
    auto from = e.detail.rfind("from ", 0) == 0 ? e.detail.substr(5) : e.detail;
    from = from.substr(0, from.find(':'));
    out.push_back({from, e.at_ms - t0_ms});
  }
  return out;
}

void add_stat_counters(std::map<std::string, uint64_t>& c, const manager_stats& x) {
  c["assigned"] = x.assigned;
  c["acks"] = x.acks;
  c["stale"] = x.stale;
  c["retries"] = x.retries;
  c["reassigned"] = x.reassigned;
  c["timeouts"] = x.timeouts;
  c["cancelled"] = x.cancelled;
  c["alerts"] = x.alerts;
}

void observer::line(int64_t at_ms, const std::string& text) {
  trace_ += fmt::format("{:>8} ms  {}\n", at_ms, text);
}

namespace {

/// Node status reports, commands and modes.
void add_node_state_counters(const manager_state& st, std::map<std::string, uint64_t>& c) {
  auto cmds = st.nodes.command_counts();
  c["status_reports"] = st.nodes.reports();
  c["commands_done"] = cmds[static_cast<int>(command_state::done)];
  c["commands_failed"] = cmds[static_cast<int>(command_state::failed)];
  uint64_t asleep = 0, draining = 0;
  for (auto& [node, e] : st.consumers.members()) {
    asleep += e.mode == node_mode::asleep ? 1 : 0;
    draining += e.mode == node_mode::draining ? 1 : 0;
  }
  c["asleep"] = asleep;
  c["draining"] = draining;
  c["policy_sleeps"] = st.policy_sleeps;
  c["policy_wakes"] = st.policy_wakes;
}

} // namespace

snapshot observer::take(const manager_state& st, const sim_cluster& cl, int64_t at_ms) {
  snapshot s;
  s.at_ms = at_ms;
  auto& c = s.counters;
  auto& x = st.stats;
  add_stat_counters(c, x);
  c["consumers"] = st.consumers.size();
  c["producers"] = st.producers.size();
  c["pending"] = st.pending.size();
  c["rules_version"] = st.chooser.rules().version;
  c["jobs"] = st.table.job_count();
  c["lists"] = st.table.list_count();
  c["open"] = st.table.size();
  c["rejected_lists"] = st.admissions.rejected_lists(); // refused, queues full
  c["standby"] = st.pending.standby_size();
  c["completed_twice"] =
    completed_twice(x, state_total(st, task_state::succeeded), state_total(st, task_state::failed),
                    state_total(st, task_state::timed_out));
  add_node_counters(cl, s);
  uint64_t done = 0, tasks = 0;
  for (auto& [id, j] : st.table.jobs()) {
    done += j.done ? 1 : 0;
    tasks += j.meta.total;
    auto& state = s.job_states[j.meta.name];
    state = j.done && state != "running" ? "done" : "running";
  }
  c["jobs_done"] = done;
  c["tasks"] = tasks;
  add_node_state_counters(st, c);
  for (auto& [group, node] : st.producers.active())
    s.active_producer[group] = node;
  for (auto& [node, entry] : st.consumers.members())
    s.consumers[node] = entry.grace.lost();
  auto& r = st.chooser.rules();
  s.rules = fmt::format("{} version {} hash {}", r.source, r.version, r.hash);
  return s;
}

const snapshot& observer::look(const manager_state& st, const sim_cluster& cl, int64_t at_ms) {
  return look(take(st, cl, at_ms));
}

const snapshot& observer::look(snapshot now) {
  auto at_ms = now.at_ms;
  auto& was = last_;
  for (auto& [node, lost] : now.consumers) {
    auto i = was.consumers.find(node);
    if (i == was.consumers.end())
      line(at_ms, fmt::format("consumer {} joined", node));
    else if (i->second != lost)
      line(at_ms, fmt::format("consumer {} {}", node, lost ? "lost: grace running" : "back"));
  }
  for (auto& [node, lost] : was.consumers)
    if (now.consumers.count(node) == 0)
      line(at_ms, fmt::format("consumer {} gone: grace over", node));
  for (auto& [group, node] : now.active_producer) {
    auto i = was.active_producer.find(group);
    if (i == was.active_producer.end() || i->second != node) {
      line(at_ms, fmt::format("group {}: producer {} active", group, node));
      out_.producer_history[group].emplace_back(at_ms, node);
    }
  }
  if (now.rules != was.rules)
    line(at_ms, "rules in force: " + now.rules);
  for (auto& [name, state] : now.job_states) {
    auto i = was.job_states.find(name);
    if (i == was.job_states.end() || i->second != state)
      line(at_ms, fmt::format("job {} {}", name, state));
  }
  if (auto diff = counters_diff(first_ ? snapshot{} : was, now); !diff.empty())
    line(at_ms, "counters" + diff);
  first_ = false;
  last_ = std::move(now);
  return last_;
}

void observer::collect_tasks(const manager_state& st, task_store& db, int64_t t0_ms) {
  for (task_id id = 1; id < st.table.next_task(); ++id) {
    task t;
    std::vector<task_event> events;
    if (db.get(id, t, events))
      continue;
    task_record r;
    r.id = id;
    if (auto* j = st.table.job(t.job))
      r.job = j->meta.name;
    r.state = to_string(t.state);
    r.consumer = t.consumer;
    r.reassigned = reassignments_of(events, t0_ms);
    out_.tasks.push_back(std::move(r));
  }
}

} // namespace drover::replay
