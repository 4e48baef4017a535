// Judging a scenario's expectations on what the run observed (outcome.hpp).
// Pure: no actors, so every rule here can be unit-tested with made-up data.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "replay/outcome.hpp"

namespace drover::replay {

namespace {

std::string bounds_text(const expectation& e) {
  if (e.min && e.max && *e.min == *e.max)
    return std::to_string(*e.min);
  if (e.min && e.max)
    return fmt::format("{}..{}", *e.min, *e.max);
  if (e.min)
    return fmt::format(">= {}", *e.min);
  if (e.max)
    return fmt::format("<= {}", *e.max);
  return "any";
}

bool in_bounds(const expectation& e, uint64_t v) {
  return (!e.min || v >= *e.min) && (!e.max || v <= *e.max);
}

/// A counter's value in `snap`, or none if it was not observed.
std::optional<uint64_t> counter_of(const snapshot& snap, const std::string& name) {
  auto i = snap.counters.find(name);
  if (i == snap.counters.end())
    return std::nullopt;
  return i->second;
}

/// At a probe time: the snapshot taken then (virtual time), or every sample
/// within the tolerance (real clock), which holds if one of them does.
check_result check_counter(const expectation& e, const run_outcome& o) {
  std::vector<const snapshot*> samples;
  if (e.at_ms)
    if (auto i = o.probes.find(*e.at_ms); i != o.probes.end())
      for (auto& snap : i->second)
        samples.push_back(&snap);
  if (samples.empty() && e.at_ms && o.tolerance_ms > 0)
    return {&e, false, fmt::format("no sample of {} could be taken within {} ms +-{} ms",
                                   e.counter, *e.at_ms, o.tolerance_ms)};
  if (samples.empty())
    samples.push_back(&o.final);
  bool ok = false;
  std::string runs; // "2 from 1050 to 1101 ms, 1 from ..."
  std::optional<uint64_t> run_value;
  int64_t run_from = 0, run_to = 0;
  auto close_run = [&] {
    if (run_value)
      runs += fmt::format("{}{} from {} to {} ms", runs.empty() ? "" : ", ", *run_value,
                          run_from, run_to);
  };
  for (auto* snap : samples) {
    auto v = counter_of(*snap, e.counter);
    if (!v)
      return {&e, false, fmt::format("{} is not observable in this mode", e.counter)};
    ok = ok || in_bounds(e, *v);
    if (run_value != v) {
      close_run();
      run_value = v;
      run_from = snap->at_ms;
    }
    run_to = snap->at_ms;
  }
  if (samples.size() == 1)
    return {&e, ok,
            fmt::format("{} = {} at {} ms (expected {})", e.counter, *run_value,
                        samples[0]->at_ms, bounds_text(e))};
  close_run();
  return {&e, ok,
          fmt::format("{} was {} (expected {} at {} ms +-{} ms)", e.counter, runs,
                      bounds_text(e), *e.at_ms, o.tolerance_ms)};
}

check_result check_states(const expectation& e, const run_outcome& o) {
  uint64_t total = 0, in_state = 0;
  std::map<std::string, uint64_t> others;
  for (auto& t : o.tasks) {
    if (!e.job.empty() && t.job != e.job)
      continue;
    ++total;
    if (t.state == e.state)
      ++in_state;
    else
      ++others[t.state];
  }
  std::string rest;
  for (auto& [st, n] : others)
    rest += fmt::format(", {} {}", n, st);
  auto detail = fmt::format("{} of {} tasks {}{}", in_state, total, e.state, rest);
  if (e.kind == expect_kind::all_tasks)
    return {&e, total > 0 && in_state == total, detail};
  return {&e, in_bounds(e, in_state), detail + " (expected " + bounds_text(e) + ")"};
}

check_result check_reassigned(const expectation& e, const run_outcome& o) {
  // Measured from the last loss of the member (kill, crash, partition,
  // deregister) at or before each reassignment.
  auto li = o.losses.find(e.member);
  uint64_t n = 0;
  int64_t worst = -1, best = -1;
  for (auto& t : o.tasks)
    for (auto& r : t.reassigned) {
      if (r.from != e.member)
        continue;
      ++n;
      if (li == o.losses.end())
        continue;
      int64_t since = -1;
      for (auto at : li->second)
        if (at <= r.at_ms)
          since = r.at_ms - at;
      worst = std::max(worst, since);
      best = best < 0 ? since : std::min(best, since);
    }
  bool ok = e.min || e.max ? in_bounds(e, n) : n > 0;
  // On a real clock both bounds give way by the tolerance (0 on virtual time).
  if (n > 0 && e.within_ms)
    ok = ok && worst >= 0 && worst <= *e.within_ms + o.tolerance_ms;
  if (n > 0 && e.after_ms)
    ok = ok && best >= *e.after_ms - o.tolerance_ms;
  auto detail = n == 0 ? fmt::format("no task was taken back from {}", e.member)
                       : fmt::format("{} tasks taken back from {}, {}..{} ms after its loss",
                                     n, e.member, best, worst);
  if (o.tolerance_ms > 0 && (e.within_ms || e.after_ms))
    detail += fmt::format(" (tolerance +-{} ms)", o.tolerance_ms);
  return {&e, ok, detail};
}

check_result check_active(const expectation& e, const run_outcome& o) {
  if (!o.producers_observed)
    return {&e, false, "not observable in this mode: no manager message or REST call names the "
                       "active producer of a group"};
  std::string who;
  auto hi = o.producer_history.find(e.group);
  if (hi != o.producer_history.end())
    for (auto& [at, node] : hi->second)
      if (!e.at_ms || at <= *e.at_ms)
        who = node;
  auto when = e.at_ms ? fmt::format(" at {} ms", *e.at_ms) : std::string{" at the end"};
  auto detail = who.empty() ? fmt::format("group {} had no active producer{}", e.group, when)
                            : fmt::format("{} was active in group {}{}", who, e.group, when);
  return {&e, who == e.member, detail};
}

check_result check_ran_on(const expectation& e, const run_outcome& o) {
  std::map<std::string, uint64_t> by;
  for (auto& t : o.tasks)
    if (e.job.empty() || t.job == e.job)
      ++by[t.consumer.empty() ? "<none>" : t.consumer];
  bool ok = !by.empty();
  std::string detail;
  for (auto& [c, n] : by) {
    ok = ok && std::find(e.members.begin(), e.members.end(), c) != e.members.end();
    detail += fmt::format("{}{}: {}", detail.empty() ? "" : ", ", c, n);
  }
  return {&e, ok, detail.empty() ? "no tasks" : "ran on " + detail};
}

/// How many tasks (of the job) last ran on one consumer: shows how a
/// strategy spread the work.
check_result check_tasks_on(const expectation& e, const run_outcome& o) {
  uint64_t n = 0, all = 0;
  for (auto& t : o.tasks)
    if (e.job.empty() || t.job == e.job) {
      ++all;
      n += t.consumer == e.member ? 1 : 0;
    }
  return {&e, in_bounds(e, n),
          fmt::format("{} of {} tasks ran on {} (expected {})", n, all, e.member,
                      bounds_text(e))};
}

} // namespace

std::vector<check_result> evaluate(const scenario& s, const run_outcome& o) {
  std::vector<check_result> out;
  for (auto& e : s.expect) {
    switch (e.kind) {
      case expect_kind::all_tasks:
      case expect_kind::tasks_in_state:
        out.push_back(check_states(e, o));
        break;
      case expect_kind::completed_twice: {
        auto v = counter_of(o.final, "completed_twice");
        if (!v)
          out.push_back({&e, false, "not observable in this mode"});
        else
          out.push_back(
            {&e, in_bounds(e, *v), fmt::format("{} (expected {})", *v, bounds_text(e))});
        break;
      }
      case expect_kind::reassigned_from:
        out.push_back(check_reassigned(e, o));
        break;
      case expect_kind::active_producer:
        out.push_back(check_active(e, o));
        break;
      case expect_kind::ran_on:
        out.push_back(check_ran_on(e, o));
        break;
      case expect_kind::counter:
        out.push_back(check_counter(e, o));
        break;
      case expect_kind::data_received:
      case expect_kind::user_on:
      case expect_kind::lifecycle:
        out.push_back(check_data(e, o));
        break;
      case expect_kind::tasks_on:
        out.push_back(check_tasks_on(e, o));
        break;
    }
  }
  return out;
}

} // namespace drover::replay
