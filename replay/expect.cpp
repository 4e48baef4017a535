// Judging a scenario's expectations on what the run observed (outcome.hpp).
// Pure: no actors, so every rule here can be unit-tested with made-up data.
#include <algorithm>

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

const snapshot& snapshot_at(const expectation& e, const run_outcome& o) {
  if (e.at_ms) {
    auto i = o.probes.find(*e.at_ms);
    if (i != o.probes.end())
      return i->second;
  }
  return o.final;
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
  if (n > 0 && e.within_ms)
    ok = ok && worst >= 0 && worst <= *e.within_ms;
  if (n > 0 && e.after_ms)
    ok = ok && best >= *e.after_ms;
  auto detail = n == 0 ? fmt::format("no task was taken back from {}", e.member)
                       : fmt::format("{} tasks taken back from {}, {}..{} ms after its loss",
                                     n, e.member, best, worst);
  return {&e, ok, detail};
}

check_result check_active(const expectation& e, const run_outcome& o) {
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
        auto v = o.final.counters.count("completed_twice") ? o.final.counters.at("completed_twice")
                                                           : 0;
        out.push_back({&e, in_bounds(e, v), fmt::format("{} (expected {})", v, bounds_text(e))});
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
      case expect_kind::counter: {
        auto& snap = snapshot_at(e, o);
        auto i = snap.counters.find(e.counter);
        uint64_t v = i == snap.counters.end() ? 0 : i->second;
        out.push_back({&e, in_bounds(e, v),
                       fmt::format("{} = {} at {} ms (expected {})", e.counter, v, snap.at_ms,
                                   bounds_text(e))});
        break;
      }
    }
  }
  return out;
}

} // namespace drover::replay
