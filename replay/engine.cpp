// The virtual-clock replay: one actor system on CAF's deterministic test
// scheduler holds every node. Time jumps from one due timer to the next (so
// a 1 s grace costs nothing), stopping at every timeline entry and probe
// time; after each jump the observer traces what changed, read through the
// manager's public queries like every other replay (probe_caf.hpp).
// Actions are in engine_actions.cpp.
#include "replay/engine.hpp"

#include <algorithm>
#include <set>

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "core/log.hpp"
#include "replay/cluster.hpp"
#include "replay/engine_actions.hpp"
#include "replay/observe.hpp"
#include "replay/probe_caf.hpp"
#include "replay/wall_clock.hpp"

namespace drover::replay {

namespace {

struct virtual_config : caf::actor_system_config {
  virtual_config() {
    set("scheduler.policy", caf::atom("testing"));
    set("logger.inline-output", true);
    add_drover_types(*this);
  }
};

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
  caf_probe prober{sys, cl, [this] { sched.run(); }, {}};

  virtual_run(const scenario& sc, replay_result& r) : s(sc), res(r) {}

  int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(sched.clock().now() - t0)
      .count();
  }
  /// The cluster now. The manager answers on the deterministic scheduler,
  /// so only a broken run could leave it silent: then the run aborts.
  snapshot take() {
    auto s = prober.look(now_ms());
    if (!s) {
      res.outcome.aborted = s.err().message;
      return snapshot{};
    }
    return std::move(*s);
  }
  void settle() {
    sched.run();
    obs.look(take());
  }
  /// Every job is done and nothing is left to run or retry.
  bool all_done() const { return jobs_all_done(obs.last()); }

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
    if (!s.cluster.users.empty()) { // users and their data need creating first
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
        run_until(target, [&] { return all_done(); });
        res.outcome.hit_limit = !all_done();
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
        res.outcome.probes[*probes.begin()].push_back(take());
        probes.erase(probes.begin());
      }
    }
    if (cl.courier) {
      auto ctx = context();
      collect_user_nodes(ctx);
    }
    res.outcome.final = take();
    auto t0_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t0.time_since_epoch()).count();
    if (auto err = prober.tasks(t0_ms, res.outcome.tasks))
      res.outcome.aborted = err.message;
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
      take(); // the manager's jobs now
      return prober.jobs_named(name);
    };
    action_context ctx{sys, cl, obs, res.outcome, now_ms(), [this] { sched.run(); }, named};
    caf_actions transport{ctx};
    dispatch(transport, a, ctx.now_ms, obs, res.outcome);
  }

  ~virtual_run() {
    cl.stop_all();
    sched.run();
  }
};

} // namespace

result<replay_result> replay_virtual(const scenario& s) {
  return play_quietly(s, [&]() -> result<replay_result> {
    replay_result out;
    { // the run's end (its actors stopped) belongs to the result too
      virtual_run run{s, out};
      if (auto err = run.run())
        return err;
    }
    return out;
  });
}

result<replay_result> play_quietly(const scenario& s,
                                   const std::function<result<replay_result>()>& play) {
  auto level_was = log_enabled(log_level::info) ? log_level::info : log_level::warn;
  set_log_level(log_level::error);
  auto played = play();
  set_log_level(level_was);
  if (played)
    judge(s, *played);
  return played;
}

void judge(const scenario& s, replay_result& result) {
  result.checks = evaluate(s, result.outcome);
  result.passed = result.outcome.aborted.empty();
  for (auto& c : result.checks)
    result.passed = result.passed && c.ok;
}

} // namespace drover::replay
