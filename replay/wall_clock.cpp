// See wall_clock.hpp.
#include "replay/wall_clock.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "replay/observe.hpp"
#include "replay/probe.hpp"

namespace drover::replay {

namespace {

/// Something to do at a time: a timeline entry, or one sample of a probe
/// (kind 1). Entries go before samples of the same time, as on virtual time.
struct timed_item {
  int64_t at_ms = 0;
  int kind = 0;
  size_t entry = 0;    ///< kind 0: index into the timeline
  int64_t probe = 0;   ///< kind 1: the probe time it samples for
};

std::vector<timed_item> schedule(const scenario& s, int64_t tolerance_ms) {
  std::vector<timed_item> out;
  for (size_t i = 0; i < s.timeline.size(); ++i)
    out.push_back({s.timeline[i].at_ms, 0, i, 0});
  std::vector<int64_t> probes;
  for (auto& e : s.expect)
    if (e.at_ms && std::find(probes.begin(), probes.end(), *e.at_ms) == probes.end())
      probes.push_back(*e.at_ms);
  constexpr int64_t step = 10; // ms between the samples of one window
  for (auto p : probes) {
    for (auto t = std::max<int64_t>(0, p - tolerance_ms); t <= p + tolerance_ms; t += step)
      out.push_back({t, 1, 0, p});
    if (tolerance_ms % step != 0 || p < tolerance_ms)
      out.push_back({p, 1, 0, p}); // the probe time itself is always sampled
  }
  std::stable_sort(out.begin(), out.end(), [](const timed_item& a, const timed_item& b) {
    return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.kind < b.kind;
  });
  return out;
}

uint64_t counter(const snapshot& s, const char* name) {
  auto i = s.counters.find(name);
  return i == s.counters.end() ? 0 : i->second;
}

struct player {
  wall_driver& d;
  const scenario& s;
  const real_options& o;
  observer& obs;
  run_outcome& out;
  int64_t last_look = -1000000;

  bool aborted() const { return !out.aborted.empty(); }

  bool look() {
    auto now = take_or_abort(d.probe(), d.now_ms(), obs, out);
    if (!now)
      return false;
    last_look = now->at_ms;
    obs.look(std::move(*now));
    return true;
  }

  /// Sleeps until `at_ms`, looking every poll_ms meanwhile. False once the
  /// scenario's `until` has passed or the run was aborted.
  bool wait_until(int64_t at_ms) {
    for (;;) {
      auto now = d.now_ms();
      if (aborted() || now >= s.until_ms)
        return false;
      if (now >= at_ms)
        return true;
      if (now - last_look >= o.poll_ms && !look())
        return false;
      auto wake = std::min({at_ms, last_look + o.poll_ms, s.until_ms});
      auto rest = wake - d.now_ms();
      if (rest > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(rest));
    }
  }

  void play() {
    look();
    for (auto& it : schedule(s, o.tolerance_ms)) {
      if (!wait_until(it.at_ms))
        break;
      if (it.kind == 0) {
        d.apply(s.timeline[it.entry]);
        look();
        continue;
      }
      auto sample = take_or_abort(d.probe(), d.now_ms(), obs, out);
      if (!sample)
        break;
      if (std::abs(sample->at_ms - it.probe) <= o.tolerance_ms) // not if it came too late
        out.probes[it.probe].push_back(*sample);
      last_look = sample->at_ms;
      obs.look(std::move(*sample));
    }
    while (!aborted() && look()) { // the last leg: until every job is done
      if (d.all_done(obs.last()))
        break;
      if (d.now_ms() >= s.until_ms) {
        out.hit_limit = true;
        obs.line(d.now_ms(), "stopped at the scenario's time limit with work left");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
    }
  }
};

} // namespace

bool jobs_all_done(const snapshot& s) {
  return counter(s, "jobs_done") == counter(s, "jobs") && counter(s, "open") == 0
         && counter(s, "pending") == 0;
}

std::optional<snapshot> take_or_abort(cluster_probe& p, int64_t now_ms, observer& obs,
                                      run_outcome& out) {
  auto s = p.look(now_ms);
  if (!s) {
    out.aborted = s.err().message;
    obs.line(now_ms, "aborted: " + s.err().message);
    return std::nullopt;
  }
  return std::move(*s);
}

bool take_final(cluster_probe& p, int64_t now_ms, observer& obs, run_outcome& out) {
  auto s = take_or_abort(p, now_ms, obs, out);
  if (s)
    out.final = std::move(*s);
  return s.has_value();
}

void play_on_wall_clock(wall_driver& d, const scenario& s, const real_options& o,
                        observer& obs, run_outcome& out) {
  player{d, s, o, obs, out}.play();
}

} // namespace drover::replay
