// Scenario parsing, part two: the timeline (what happens when) and the
// expectations (what must hold). Names of members are checked against the
// cluster here, so a typo is a positioned error, not a silent no-op.
#include <algorithm>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "core/node_status.hpp"
#include "core/task.hpp"
#include "replay/scenario_parts.hpp"

namespace drover::replay {

namespace {

constexpr const char* action_keys[] = {"submit", "kill", "crash", "restart", "partition",
                                       "heal", "deregister", "swap_rules", "cancel", "slow",
                                       "advance", "send_data", "recv_data", "command",
                                       "schedule", "schedule_stop", "schedule_start",
                                       "schedule_change"};

bool is_member(const cluster_def& c, const std::string& name, bool consumers_only = false) {
  for (auto& d : c.consumers)
    if (d.name == name)
      return true;
  if (!consumers_only)
    for (auto& d : c.producers)
      if (d.name == name)
        return true;
  return false;
}

void read_member(yaml_reader& r, const field& f, const cluster_def& c, bool consumers_only,
                 std::string& out) {
  auto name = r.read_string(f, f.key.Scalar().c_str());
  if (!name)
    return;
  out = *name;
  if (!is_member(c, out, consumers_only))
    r.fail(f.mark(), fmt::format("'{}' is not a {} of the cluster", out,
                                 consumers_only ? "consumer" : "member"));
}

void read_action(yaml_reader& r, const field& f, const std::string& base_dir,
                 const scenario& s, action& a) {
  auto& n = f.value;
  auto name = f.key.Scalar();
  a.kind = static_cast<action_kind>(
    std::find_if(std::begin(action_keys), std::end(action_keys),
                 [&](const char* k) { return name == k; })
    - std::begin(action_keys));
  switch (a.kind) {
    case action_kind::submit:
      return read_job(r, f, a.job);
    case action_kind::swap_rules:
      if (auto path = r.read_string(f, "swap_rules")) {
        a.rules_path = resolve_path(base_dir, *path);
        check_rules_file(r, f, a.rules_path);
      }
      return;
    case action_kind::cancel:
      if (!r.check_map(n, f.mark(), "cancel", {"job", "task"}))
        return;
      if (auto v = r.read_string(find(n, "job"), "job"))
        a.cancel_job = *v;
      if (auto v = r.read_uint(find(n, "task"), "task", 1, UINT64_MAX))
        a.cancel_task = *v;
      if (a.cancel_job.empty() == (a.cancel_task == 0))
        r.fail(f.mark(), "cancel needs exactly one of 'job' (a name) or 'task' (an id)");
      return;
    case action_kind::slow:
      if (!r.check_map(n, f.mark(), "slow", {"consumer", "ms"}))
        return;
      read_member(r, find(n, "consumer"), s.cluster, true, a.member);
      if (auto ms = r.read_uint(find(n, "ms"), "ms", 0, 3600000))
        a.slow_ms = *ms;
      else if (!find(n, "ms"))
        r.fail(f.mark(), "slow needs 'ms' (added to every task's run time)");
      if (!find(n, "consumer"))
        r.fail(f.mark(), "slow needs a 'consumer'");
      return;
    case action_kind::advance:
      return; // its amount is read with the entry's time
    case action_kind::send_data:
    case action_kind::recv_data:
      return read_data_action(r, f, s, a);
    case action_kind::command: { // a node command, as POST /v1/nodes/{id}/commands
      if (!r.check_map(n, f.mark(), "command", {"consumer", "command"}))
        return;
      if (!find(n, "consumer") || !find(n, "command"))
        return r.fail(f.mark(), "command needs a 'consumer' and a 'command'");
      read_member(r, find(n, "consumer"), s.cluster, true, a.member);
      if (auto command = r.read_string(find(n, "command"), "command")) {
        a.command = *command;
        if (!parse_command_kind(a.command))
          r.fail(find(n, "command").mark(),
                 fmt::format("unknown command '{}' (known: {})", a.command, command_names()));
      }
      return;
    }
    case action_kind::schedule:
    case action_kind::schedule_stop:
    case action_kind::schedule_start:
    case action_kind::schedule_change:
      return read_schedule_action(r, f, a);
    default:
      return read_member(r, f, s.cluster, false, a.member);
  }
}

void read_entry(yaml_reader& r, const YAML::Node& n, const std::string& base_dir,
                int64_t& clock, scenario& s) {
  if (!r.check_map(n, n.Mark(), "a timeline entry",
                   {"at", "after", "submit", "kill", "crash", "restart", "partition", "heal",
                    "deregister", "swap_rules", "cancel", "slow", "advance", "send_data",
                    "recv_data", "command", "schedule", "schedule_stop", "schedule_start",
                    "schedule_change"}))
    return;
  std::vector<field> acts;
  for (auto* k : action_keys)
    if (auto f = find(n, k))
      acts.push_back(f);
  if (acts.size() != 1) {
    r.fail(n.Mark(), "a timeline entry needs exactly one action: submit, kill, crash, "
                     "restart, partition, heal, deregister, swap_rules, cancel, slow, advance, "
                     "command, send_data, recv_data, schedule, schedule_stop, schedule_start, "
                     "schedule_change");
    return;
  }
  action a;
  a.line = static_cast<uint32_t>(n.Mark().line + 1);
  auto at = find(n, "at"), after = find(n, "after");
  if (acts[0].key.Scalar() == "advance") {
    if (at || after)
      r.fail(n.Mark(), "an 'advance' entry takes no 'at' or 'after'");
    if (auto ms = r.read_duration(acts[0], "advance"))
      a.at_ms = clock + *ms;
  } else if (at && after) {
    r.fail(after.key.Mark(), "give 'at' (absolute) or 'after' (since the previous entry), "
                             "not both");
  } else if (at) {
    if (auto ms = r.read_duration(at, "at")) {
      a.at_ms = *ms;
      if (*ms < clock)
        r.fail(at.mark(), fmt::format("entries must be in time order: {} ms is before the "
                                      "previous entry's {} ms",
                                      *ms, clock));
    }
  } else if (after) {
    if (auto ms = r.read_duration(after, "after"))
      a.at_ms = clock + *ms;
  } else {
    r.fail(n.Mark(), "a timeline entry needs 'at' (e.g. at: 200ms) or 'after'");
  }
  read_action(r, acts[0], base_dir, s, a);
  clock = std::max(clock, a.at_ms);
  s.timeline.push_back(std::move(a));
}

/// Expectation kinds (and shorthands) by their key.
struct kind_key {
  const char* key;
  expect_kind kind;
  const char* counter; ///< shorthands for `counter:`
};
constexpr kind_key kind_keys[] = {
  {"all_tasks", expect_kind::all_tasks, nullptr},
  {"tasks_in_state", expect_kind::tasks_in_state, nullptr},
  {"completed_twice", expect_kind::completed_twice, nullptr},
  {"reassigned_from", expect_kind::reassigned_from, nullptr},
  {"active_producer", expect_kind::active_producer, nullptr},
  {"counter", expect_kind::counter, nullptr},
  {"ran_on", expect_kind::ran_on, nullptr},
  {"tasks_on", expect_kind::tasks_on, nullptr},
  {"stale_acks", expect_kind::counter, "stale"},
  {"queue_depth", expect_kind::counter, "pending"},
  {"rules_version", expect_kind::counter, "rules_version"},
  {"data_received", expect_kind::data_received, nullptr},
  {"user_on", expect_kind::user_on, nullptr},
  {"lifecycle", expect_kind::lifecycle, nullptr},
};

void read_bounds(yaml_reader& r, const YAML::Node& n, expectation& e) {
  auto exactly = r.read_uint(find(n, "count"), "count", 0, UINT64_MAX);
  if (!exactly)
    exactly = r.read_uint(find(n, "equals"), "equals", 0, UINT64_MAX);
  if (exactly)
    e.min = e.max = *exactly;
  if (auto v = r.read_uint(find(n, "min"), "min", 0, UINT64_MAX))
    e.min = *v;
  if (auto v = r.read_uint(find(n, "max"), "max", 0, UINT64_MAX))
    e.max = *v;
}

void read_expectation(yaml_reader& r, const YAML::Node& n, scenario& s) {
  const kind_key* kk = nullptr;
  field kf;
  for (auto& k : kind_keys)
    if (auto f = find(n, k.key); f && !kk) {
      kk = &k;
      kf = f;
    }
  if (!n.IsMap() || kk == nullptr) {
    r.fail(n.Mark(), "an expectation needs one of: all_tasks, tasks_in_state, completed_twice, "
                     "reassigned_from, active_producer, counter, ran_on, stale_acks, "
                     "queue_depth, rules_version, tasks_on");
    return;
  }
  expectation e;
  e.kind = kk->kind;
  e.line = static_cast<uint32_t>(n.Mark().line + 1);
  e.column = static_cast<uint32_t>(n.Mark().column + 1);
  std::string what = std::string{"'"} + kk->key + "' expectation";
  switch (e.kind) {
    case expect_kind::all_tasks:
    case expect_kind::tasks_in_state: {
      bool all = e.kind == expect_kind::all_tasks;
      r.check_map(n, n.Mark(), what, all ? keys{"all_tasks", "job"}
                                         : keys{"tasks_in_state", "job", "count", "min", "max"});
      task_state st{};
      if (auto name = r.read_string(kf, kk->key)) {
        if (auto parsed = parse_task_state(*name))
          st = *parsed;
        else
          r.fail(kf.mark(), fmt::format("'{}' is not a task state (pending, assigned, running, "
                                        "succeeded, failed, cancelled, timed_out)", *name));
      }
      e.state = to_string(st);
      if (auto v = r.read_string(find(n, "job"), "job"))
        e.job = *v;
      if (!all)
        read_bounds(r, n, e);
      break;
    }
    case expect_kind::completed_twice:
      r.check_map(n, n.Mark(), what, {"completed_twice"});
      if (auto v = r.read_uint(kf, "completed_twice", 0, UINT64_MAX))
        e.min = e.max = *v;
      break;
    case expect_kind::reassigned_from: {
      r.check_map(n, n.Mark(), what,
                  {"reassigned_from", "within", "after", "count", "min", "max"});
      read_member(r, kf, s.cluster, true, e.member);
      if (auto ms = r.read_duration(find(n, "within"), "within"))
        e.within_ms = *ms;
      if (auto ms = r.read_duration(find(n, "after"), "after"))
        e.after_ms = *ms;
      read_bounds(r, n, e);
      break;
    }
    case expect_kind::active_producer:
      r.check_map(n, n.Mark(), what, {"active_producer", "group", "at"});
      read_member(r, kf, s.cluster, false, e.member);
      if (auto v = r.read_string(find(n, "group"), "group"))
        e.group = *v;
      break;
    case expect_kind::data_received:
    case expect_kind::user_on:
    case expect_kind::lifecycle:
      read_data_expectation(r, n, kf, s, e);
      break;
    case expect_kind::ran_on:
      r.check_map(n, n.Mark(), what, {"ran_on", "job"});
      if (auto v = r.read_list(kf, "ran_on"))
        e.members = std::move(*v);
      for (auto& m : e.members)
        if (!is_member(s.cluster, m, true))
          r.fail(kf.mark(), fmt::format("'{}' is not a consumer of the cluster", m));
      if (auto v = r.read_string(find(n, "job"), "job"))
        e.job = *v;
      break;
    case expect_kind::tasks_on:
      r.check_map(n, n.Mark(), what, {"tasks_on", "job", "count", "min", "max"});
      read_member(r, kf, s.cluster, true, e.member);
      if (auto v = r.read_string(find(n, "job"), "job"))
        e.job = *v;
      read_bounds(r, n, e);
      if (!e.min && !e.max)
        r.fail(kf.mark(), "a tasks_on expectation needs 'count', 'min' or 'max'");
      break;
    default: // counter and its shorthands
      if (kk->counter != nullptr) {
        r.check_map(n, n.Mark(), what, {kk->key, "at"});
        e.counter = kk->counter;
        if (auto v = r.read_uint(kf, kk->key, 0, UINT64_MAX))
          e.min = e.max = *v;
      } else {
        r.check_map(n, n.Mark(), what, {"counter", "equals", "min", "max", "at"});
        if (auto name = r.read_string(kf, "counter")) {
          e.counter = *name;
          if (!is_counter_name(e.counter))
            r.fail(kf.mark(), fmt::format("unknown counter '{}' (known: {})", e.counter,
                                          counter_names()));
        }
        read_bounds(r, n, e);
        if (!e.min && !e.max)
          r.fail(kf.mark(), "a counter expectation needs 'equals', 'min' or 'max'");
      }
  }
  if (auto ms = r.read_duration(find(n, "at"), "at"))
    e.at_ms = *ms;
  YAML::Emitter out; // the entry as written, in flow style, for the report
  out << YAML::Flow << n;
  e.text = out.c_str();
  s.expect.push_back(std::move(e));
}

} // namespace

void read_timeline(yaml_reader& r, const field& f, const std::string& base_dir,
                   scenario& out) {
  if (!f)
    return;
  if (!f.value.IsSequence())
    return r.fail(f.mark(), "'timeline' must be a list of entries, e.g. - { at: 0ms, kill: c1 }");
  int64_t clock = 0;
  for (const auto& n : f.value)
    read_entry(r, n, base_dir, clock, out);
}

void read_expectations(yaml_reader& r, const field& f, scenario& out) {
  if (!f)
    return r.fail(YAML::Mark::null_mark(), "a scenario needs 'expect' (what must hold)");
  if (!f.value.IsSequence())
    return r.fail(f.mark(), "'expect' must be a list, e.g. - { all_tasks: succeeded }");
  for (const auto& n : f.value)
    read_expectation(r, n, out);
}

const char* counter_names() {
  return "assigned, acks, stale, retries, reassigned, timeouts, cancelled, alerts, "
         "consumers, producers, pending, executed, restarts, rules_version, jobs, jobs_done, "
         "lists, tasks, open, status_reports, commands_done, commands_failed, asleep, "
         "draining, policy_sleeps, policy_wakes, rejected_lists, standby";
}

bool is_counter_name(const std::string& name) {
  std::string all = std::string{", "} + counter_names() + ",";
  return !name.empty() && all.find(", " + name + ",") != std::string::npos;
}

const char* to_string(action_kind k) {
  auto i = static_cast<size_t>(k);
  return i < std::size(action_keys) ? action_keys[i] : "?";
}

} // namespace drover::replay
