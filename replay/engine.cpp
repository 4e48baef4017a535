// The virtual-clock replay: one actor system on CAF's deterministic test
// scheduler holds every node. Time jumps from one due timer to the next (so
// a 1 s grace costs nothing), stopping at every timeline entry and probe
// time; after each jump the observer traces what changed. Actions are in
// engine_actions.cpp.
#include "replay/engine.hpp"

#include <algorithm>
#include <set>

#include <caf/all.hpp>

#include "actors/manager_state.hpp"
#include "core/log.hpp"
#include "replay/cluster.hpp"
#include "replay/engine_actions.hpp"
#include "replay/observe.hpp"

namespace drover::replay {

namespace {

struct virtual_config : caf::actor_system_config {
  virtual_config() {
    set("scheduler.policy", caf::atom("testing"));
    set("logger.inline-output", true);
    add_drover_types(*this);
  }
};

/// Every job is done and nothing is left to run or retry.
bool all_done(const manager_state& st) {
  for (auto& [id, j] : st.table.jobs())
    if (!j.done)
      return false;
  return st.table.empty() && st.pending.size() == 0;
}

struct virtual_run {
  const scenario& s;
  replay_result& res;
  virtual_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
    dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::actor_clock::time_point t0 = sched.clock().now();
  sim_cluster cl{sys, s, true};
  observer obs{res.trace, res.outcome};

  virtual_run(const scenario& sc, replay_result& r) : s(sc), res(r) {}

  int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(sched.clock().now() - t0)
      .count();
  }
  manager_state& mgr() {
    auto* ptr = caf::actor_cast<caf::abstract_actor*>(cl.manager);
    return dynamic_cast<caf::stateful_actor<manager_state>&>(*ptr).state;
  }
  void settle() {
    sched.run();
    obs.look(mgr(), cl, now_ms());
  }

  /// Runs timers in order up to `target_ms`; stops early once `stop()` holds.
  template <class Stop>
  void run_until(int64_t target_ms, Stop stop) {
    auto target = t0 + std::chrono::milliseconds(target_ms);
    for (;;) {
      settle();
      if (stop())
        return;
      auto& timers = sched.clock().schedule();
      if (timers.empty() || timers.begin()->first > target)
        break;
      auto due = std::max(timers.begin()->first, sched.clock().now());
      sched.clock().advance_time(due - sched.clock().now()); // fires all due by then
    }
    if (sched.clock().now() < target)
      sched.clock().advance_time(target - sched.clock().now());
    settle();
  }

  error run() {
    if (auto err = cl.start_core())
      return err;
    sched.run();
    for (auto& c : s.cluster.consumers)
      if (c.start)
        start_member(c.name);
    for (auto& p : s.cluster.producers)
      if (p.start)
        start_member(p.name);
    settle();
    if (!s.cluster.users.empty()) { // multi-user data
      auto ctx = context();
      create_data_users(ctx, s.cluster.users);
      settle();
    }
    std::set<int64_t> probes;
    for (auto& e : s.expect)
      if (e.at_ms)
        probes.insert(*e.at_ms);
    size_t next = 0;
    auto never = [] { return false; };
    for (;;) {
      int64_t target = s.until_ms;
      if (next < s.timeline.size())
        target = std::min(target, s.timeline[next].at_ms);
      if (!probes.empty())
        target = std::min(target, *probes.begin());
      bool last_leg = next >= s.timeline.size() && probes.empty();
      if (last_leg) {
        run_until(target, [&] { return all_done(mgr()); });
        res.outcome.hit_limit = !all_done(mgr());
        if (res.outcome.hit_limit)
          obs.line(now_ms(), "stopped at the scenario's time limit with work left");
        break;
      }
      run_until(target, never);
      if (target >= s.until_ms && now_ms() >= s.until_ms)
        break;
      while (next < s.timeline.size() && s.timeline[next].at_ms <= target) {
        apply(s.timeline[next++]);
        settle();
      }
      if (!probes.empty() && *probes.begin() <= target) {
        res.outcome.probes[*probes.begin()].push_back(observer::take(mgr(), cl, now_ms()));
        probes.erase(probes.begin());
      }
    }
    if (cl.courier) {
      auto ctx = context();
      collect_user_nodes(ctx);
    }
    res.outcome.final = observer::take(mgr(), cl, now_ms());
    auto t0_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t0.time_since_epoch()).count();
    obs.collect_tasks(mgr(), *cl.db, t0_ms);
    obs.line(now_ms(), "end");
    return {};
  }

  void start_member(const std::string& name) {
    cl.start(name);
    obs.line(now_ms(), "start " + name);
  }

  action_context context() {
    return action_context{sys, cl, obs, res.outcome, now_ms(), [this] { sched.run(); }, {}};
  }

  void apply(const action& a) {
    auto named = [this](const std::string& name) {
      std::vector<uint64_t> ids;
      for (auto& [id, j] : mgr().table.jobs())
        if (j.meta.name == name)
          ids.push_back(id);
      std::sort(ids.begin(), ids.end()); // jobs is an unordered_map
      return ids;
    };
    action_context ctx{sys, cl, obs, res.outcome, now_ms(), [this] { sched.run(); }, named};
    apply_action(ctx, a);
  }

  ~virtual_run() {
    cl.stop_all();
    sched.run();
  }
};

} // namespace

error replay_virtual(const scenario& s, replay_result& out) {
  out = replay_result{};
  return play_quietly(s, out, [&] {
    virtual_run run{s, out};
    return run.run();
  });
}

error play_quietly(const scenario& s, replay_result& out, const std::function<error()>& play) {
  auto level_was = log_enabled(log_level::info) ? log_level::info : log_level::warn;
  set_log_level(log_level::error);
  auto err = play();
  set_log_level(level_was);
  if (err)
    return err;
  judge(s, out);
  return {};
}

void judge(const scenario& s, replay_result& result) {
  result.checks = evaluate(s, result.outcome);
  result.passed = result.outcome.aborted.empty();
  for (auto& c : result.checks)
    result.passed = result.passed && c.ok;
}

} // namespace drover::replay
