// view_of (probe.hpp): one mapping from the manager's snapshot to replay's
// counters, whichever transport brought it. Every container read is
// ordered, so a virtual-time trace stays the same byte for byte.
#include <fmt/format.h>

#include "core/manager_snapshot.hpp"
#include "replay/observe.hpp"
#include "replay/probe.hpp"

namespace drover::replay {

snapshot view_of(const manager_snapshot& m, int64_t at_ms) {
  snapshot s;
  s.at_ms = at_ms;
  auto& c = s.counters;
  add_stat_counters(c, m.stats);
  c["consumers"] = m.consumers.size(); // lost ones in their grace included
  c["producers"] = m.producers.size();
  c["pending"] = m.queues.pending;
  c["rules_version"] = m.rules_version;
  c["jobs"] = m.jobs.size();
  c["lists"] = m.lists;
  c["open"] = m.open_tasks;
  c["rejected_lists"] = m.queues.rejected_lists; // refused: the queues were full
  c["standby"] = m.queues.standby_total;
  c["completed_twice"] =
    completed_twice(m.stats, m.count(task_state::succeeded), m.count(task_state::failed),
                    m.count(task_state::timed_out));
  uint64_t done = 0, tasks = 0;
  for (auto& [id, j] : m.jobs) {
    done += j.done ? 1 : 0;
    tasks += j.total;
    auto& state = s.job_states[j.name]; // a name may have several runs
    state = j.done && state != "running" ? "done" : "running";
  }
  c["jobs_done"] = done;
  c["tasks"] = tasks;
  c["status_reports"] = m.status_reports;
  c["commands_done"] = m.commands[static_cast<int>(command_state::done)];
  c["commands_failed"] = m.commands[static_cast<int>(command_state::failed)];
  uint64_t asleep = 0, draining = 0;
  for (auto& [node, v] : m.consumers) {
    asleep += v.mode == node_mode::asleep ? 1 : 0;
    draining += v.mode == node_mode::draining ? 1 : 0;
    s.consumers[node] = v.lost;
  }
  c["asleep"] = asleep;
  c["draining"] = draining;
  c["policy_sleeps"] = m.policy_sleeps;
  c["policy_wakes"] = m.policy_wakes;
  s.active_producer = m.active_producer;
  s.rules = fmt::format("{} version {} hash {}", m.rules_source, m.rules_version, m.rules_hash);
  return s;
}

} // namespace drover::replay
