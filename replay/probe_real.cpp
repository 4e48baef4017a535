// See probe_real.hpp. Each query is one request from a hidden scoped actor
// with a finite time-out, so an unanswered manager ends the wait, never the
// run's bound.
#include "replay/probe_real.hpp"

#include <fmt/format.h>

#include "replay/cluster.hpp"
#include "replay/observe.hpp"

namespace drover::replay {

namespace {

constexpr uint32_t job_page_size = 1000;

/// Sends `xs` to `dest`, waits at most `limit`, and gives the answer to `ok`.
template <class Ok, class... Ts>
error ask(caf::actor_system& sys, const caf::actor& dest, std::chrono::milliseconds limit,
          const char* what, Ok ok, Ts&&... xs) {
  caf::scoped_actor self{sys, true};
  error out;
  self->request(dest, limit, std::forward<Ts>(xs)...)
    .receive(ok, [&](caf::error& err) {
      out = error{ec::unreachable, fmt::format("the manager did not answer {}: {}", what,
                                               sys.render(err))};
    });
  return out;
}

uint64_t total_in(const std::vector<job_info>& jobs, task_state s) {
  uint64_t n = 0;
  for (auto& j : jobs)
    n += j.by_state[static_cast<int>(s)];
  return n;
}

} // namespace

error ask_manager(caf::actor_system& sys, const caf::actor& manager,
                  std::chrono::milliseconds limit, manager_answers& out) {
  out = manager_answers{};
  if (auto err = ask(sys, manager, limit, "(stats)",
                     [&](manager_stats& s) { out.stats = s; }, stats_atom::value))
    return err;
  if (auto err = ask(sys, manager, limit, "(get, members)",
                     [&](std::vector<node_info>& m) { out.members = std::move(m); },
                     get_atom::value, members_atom::value))
    return err;
  for (uint64_t offset = 0;;) {
    uint64_t total = 0;
    if (auto err = ask(
          sys, manager, limit, "(get, job, offset, limit)",
          [&](job_page& p) {
            total = p.total;
            for (auto& j : p.jobs)
              out.jobs.push_back(std::move(j));
          },
          get_atom::value, job_atom::value, offset, job_page_size))
      return err;
    offset += job_page_size;
    if (offset >= total)
      break;
  }
  return ask(sys, manager, limit, "(rules, get)", [&](rules_info& r) { out.rules = r; },
             rules_atom::value, get_atom::value);
}

snapshot snapshot_of(const manager_answers& a, const sim_cluster& cl, int64_t at_ms) {
  snapshot s;
  s.at_ms = at_ms;
  auto& c = s.counters;
  auto& x = a.stats;
  add_stat_counters(c, x);
  c["consumers"] = x.consumers; // the manager's table, lost ones in their grace included
  c["producers"] = x.producers;
  c["pending"] = x.pending;
  c["rules_version"] = a.rules.version;
  c["jobs"] = a.jobs.size();
  c["completed_twice"] = completed_twice(x, total_in(a.jobs, task_state::succeeded),
                                         total_in(a.jobs, task_state::failed),
                                         total_in(a.jobs, task_state::timed_out));
  observer::add_node_counters(cl, s);
  uint64_t done = 0, tasks = 0, open = 0;
  for (auto& j : a.jobs) {
    bool finished = is_finished(j);
    done += finished ? 1 : 0;
    tasks += j.total;
    open += j.total - finished_tasks(j);
    auto& state = s.job_states[j.name];
    state = finished && state != "running" ? "done" : "running";
  }
  c["jobs_done"] = done;
  c["tasks"] = tasks;
  c["open"] = open;
  for (auto& n : a.members)
    if (n.member.role == member_role::consumer)
      s.consumers[n.member.node] = n.state == node_state::lost;
  s.rules = fmt::format("{} version {} hash {}", a.rules.source, a.rules.version, a.rules.hash);
  return s;
}

error ask_tasks(caf::actor_system& sys, const caf::actor& manager,
                std::chrono::milliseconds limit, const std::vector<job_info>& jobs,
                uint64_t last, int64_t t0_ms, std::vector<task_record>& out) {
  for (task_id id = 1; id <= last; ++id) {
    task t;
    std::vector<task_event> events;
    if (auto err = ask(
          sys, manager, limit, "(get, task)",
          [&](task& tt, std::vector<task_event>& ee) {
            t = std::move(tt);
            events = std::move(ee);
          },
          get_atom::value, id))
      return err;
    task_record r;
    r.id = id;
    for (auto& j : jobs)
      if (j.id == t.job)
        r.job = j.name;
    r.state = to_string(t.state);
    r.consumer = t.consumer;
    r.reassigned = reassignments_of(events, t0_ms);
    out.push_back(std::move(r));
  }
  return {};
}

} // namespace drover::replay
