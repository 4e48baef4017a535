// See probe_caf.hpp.
#include "replay/probe_caf.hpp"

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/protocol.hpp"
#include "replay/cluster.hpp"
#include "replay/observe.hpp"

namespace drover::replay {

caf_probe::caf_probe(caf::actor_system& sys, const sim_cluster& cl, std::function<void()> run,
                     std::chrono::milliseconds limit)
  : sys_(sys), cl_(cl), run_(std::move(run)), limit_(limit) {}

template <class Ok, class... Ts>
error caf_probe::ask(const char* what, Ok ok, Ts&&... xs) {
  error out;
  auto on_error = [&](caf::error& err) {
    out = error{ec::unreachable,
                fmt::format("the manager did not answer {}: {}", what, sys_.render(err))};
  };
  caf::scoped_actor self{sys_, true};
  if (run_) {
    auto req = self->request(cl_.manager, caf::infinite, std::forward<Ts>(xs)...);
    run_();
    if (self->mailbox().empty()) // a dead manager: waiting would never end
      return error{ec::unreachable, fmt::format("the manager did not answer {}", what)};
    req.receive(ok, on_error);
  } else {
    self->request(cl_.manager, limit_, std::forward<Ts>(xs)...).receive(ok, on_error);
  }
  return out;
}

result<snapshot> caf_probe::look(int64_t at_ms) {
  if (auto err = ask("(snapshot)", [&](manager_snapshot& s) { last_ = std::move(s); },
                     snapshot_atom::value))
    return err;
  auto out = view_of(last_, at_ms);
  observer::add_node_counters(cl_, out);
  return out;
}

std::vector<uint64_t> caf_probe::jobs_named(const std::string& name) const {
  std::vector<uint64_t> ids;
  for (auto& [id, j] : last_.jobs) // by id: ascending
    if (j.name == name)
      ids.push_back(id);
  return ids;
}

error caf_probe::tasks(int64_t t0_ms, std::vector<task_record>& out) {
  for (task_id id = 1; id < last_.next_task; ++id) {
    task t;
    std::vector<task_event> events;
    auto err = ask(
      "(get, task)",
      [&](task& tt, std::vector<task_event>& ee) {
        t = std::move(tt);
        events = std::move(ee);
      },
      get_atom::value, id);
    if (err && run_)
      continue; // virtual time: an id the store lacks (its list was refused)
    if (err)
      return err; // real clock: the manager stopped answering
    task_record r;
    r.id = id;
    if (auto j = last_.jobs.find(t.job); j != last_.jobs.end())
      r.job = j->second.name;
    r.state = to_string(t.state);
    r.consumer = t.consumer;
    r.reassigned = reassignments_of(events, t0_ms);
    out.push_back(std::move(r));
  }
  return {};
}

} // namespace drover::replay
