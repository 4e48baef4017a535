// The real-clock replay (`--clock=real`): the same cluster as on virtual
// time (replay/cluster.hpp), but on CAF's normal scheduler. The engine's
// thread plays the timeline on the wall clock (wall_clock.hpp), applies
// entries with bounded request waits, and reads the cluster only through
// the manager's public queries (probe_caf.hpp).
#include "replay/engine.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/protocol.hpp"
#include "core/log.hpp"
#include "replay/cluster.hpp"
#include "replay/engine_actions.hpp"
#include "replay/observe.hpp"
#include "replay/probe_caf.hpp"
#include "replay/wall_clock.hpp"

namespace drover::replay {

namespace {

using std::chrono::milliseconds;

struct real_config : caf::actor_system_config {
  real_config() { add_drover_types(*this); }
};

/// Every job is done and nothing waits; a producer that is up with a job
/// has pushed it (on a real clock that takes a moment after its start).
bool cluster_done(const snapshot& s, const sim_cluster& cl) {
  if (!jobs_all_done(s))
    return false;
  for (auto& [name, m] : cl.members)
    if (!m.is_consumer && m.up && m.producer.job && s.job_states.count(m.producer.job->name) == 0)
      return false;
  return true;
}

/// Sends every actor an exit and waits at most `limit` until all are down.
bool stop_and_wait(caf::actor_system& sys, const std::vector<caf::actor>& actors,
                   milliseconds limit) {
  caf::scoped_actor self{sys, true};
  size_t left = 0;
  for (auto& a : actors)
    if (a) {
      self->monitor(a);
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      ++left;
    }
  auto deadline = std::chrono::steady_clock::now() + limit;
  bool late = false;
  while (left > 0 && !late) {
    auto rest = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (rest.count() <= 0)
      break;
    self->receive([&](caf::down_msg&) { --left; }, caf::after(rest) >> [&] { late = true; });
  }
  return left == 0;
}

struct real_run : wall_driver {
  const scenario& s;
  const real_options& o;
  replay_result& res;
  real_config cfg;
  caf::actor_system sys{cfg};
  sim_cluster cl{sys, s, false};
  observer obs{res.trace, res.outcome};
  caf_probe prober{sys, cl, nullptr, milliseconds(o.reply_ms)};
  caf::actor_clock::time_point t0;

  real_run(const scenario& sc, const real_options& opts, replay_result& r)
    : s(sc), o(opts), res(r) {}

  int64_t now_ms() override {
    return std::chrono::duration_cast<milliseconds>(sys.clock().now() - t0).count();
  }
  bool aborted() const { return !res.outcome.aborted.empty(); }

  cluster_probe& probe() override { return prober; }

  bool all_done(const snapshot& now) override { return cluster_done(now, cl); }

  void apply(const action& a) override {
    auto named = [this](const std::string& name) {
      if (!take_or_abort(prober, now_ms(), obs, res.outcome))
        return std::vector<uint64_t>{};
      return prober.jobs_named(name);
    };
    action_context ctx{sys, cl, obs, res.outcome, now_ms(), [] {}, named};
    ctx.reply_timeout = milliseconds(o.reply_ms);
    caf_actions transport{ctx};
    dispatch(transport, a, ctx.now_ms, obs, res.outcome);
  }

  void start_member(const std::string& name) {
    cl.start(name);
    obs.line(now_ms(), "start " + name);
  }

  error run() {
    if (auto err = cl.start_core())
      return err;
    t0 = sys.clock().now();
    for (auto& c : s.cluster.consumers)
      if (c.start)
        start_member(c.name);
    for (auto& p : s.cluster.producers)
      if (p.start)
        start_member(p.name);
    play_on_wall_clock(*this, s, o, obs, res.outcome);
    if (!aborted() && take_final(prober, now_ms(), obs, res.outcome)) {
      auto t0_ms = std::chrono::duration_cast<milliseconds>(t0.time_since_epoch()).count();
      if (auto err = prober.tasks(t0_ms, res.outcome.tasks))
        res.outcome.aborted = err.message;
    }
    obs.line(now_ms(), "end");
    stop();
    return {};
  }

  /// Members first (a consumer that outlives the manager would log that it
  /// lost it), then the core; every wait bounded. Then the store, no longer
  /// in use by any actor, gives the number of stored lists.
  void stop() {
    std::vector<caf::actor> members;
    for (auto& [name, m] : cl.members) {
      std::lock_guard<std::mutex> guard{m.role->mtx};
      members.push_back(m.supervisor);
      members.push_back(m.role->current);
      m.supervisor = nullptr;
      m.up = false;
    }
    stop_and_wait(sys, members, milliseconds(o.reply_ms));
    std::vector<caf::actor> core{cl.manager, cl.store, cl.registry};
    for (auto& [name, m] : cl.members)
      core.push_back(m.relay);
    if (stop_and_wait(sys, core, milliseconds(o.reply_ms)) && cl.db) {
      if (auto rs = cl.db->load())
        res.outcome.final.counters["lists"] = rs->lists.size();
    }
  }
};

} // namespace

result<replay_result> replay_real(const scenario& s, const real_options& o) {
  return play_quietly(s, [&]() -> result<replay_result> {
    replay_result out;
    out.clock_note = fmt::format("clock: real (timed expectations +-{} ms; the trace has "
                                 "wall-clock times and differs from run to run)",
                                 o.tolerance_ms);
    out.outcome.tolerance_ms = o.tolerance_ms;
    out.outcome.producers_observed = false;
    { // the run's end (its actors stopped) belongs to the result too
      real_run run{s, o, out};
      if (auto err = run.run())
        return err;
    }
    return out;
  });
}

} // namespace drover::replay
