// Playing a timeline on the wall clock, shared by `--clock=real` (one
// process, engine_real.cpp) and `--processes` (engine_processes.cpp): each
// entry at its offset from the start, a look at the cluster every poll_ms
// between entries, every probe sampled over its tolerance window, then the
// wait until every job is done or the scenario's `until`. The engines say
// how to look and act through wall_driver. No CAF here.
#pragma once

#include <cstdint>
#include <optional>

#include "replay/engine.hpp"
#include "replay/outcome.hpp"
#include "replay/scenario.hpp"

namespace drover::replay {

class cluster_probe;
class observer;

class wall_driver {
public:
  virtual ~wall_driver() = default;
  /// Milliseconds since the run's start.
  virtual int64_t now_ms() = 0;
  /// How the cluster is read.
  virtual cluster_probe& probe() = 0;
  /// Applies one timeline entry and traces it.
  virtual void apply(const action& a) = 0;
  /// Nothing is left to do (every job done, none still to be pushed).
  virtual bool all_done(const snapshot& s) = 0;
};

/// Plays `s` through `d`: fills out.probes and out.hit_limit, and traces
/// through `obs`. Stops early once out.aborted is set. The final snapshot
/// and the task records are left to the engine.
void play_on_wall_clock(wall_driver& d, const scenario& s, const real_options& o,
                        observer& obs, run_outcome& out);

/// The usual end test: every job done, no task open or pending.
bool jobs_all_done(const snapshot& s);

/// A look through `p` at `now_ms`. None if the cluster cannot be read: then
/// out.aborted says why, and so does the trace.
std::optional<snapshot> take_or_abort(cluster_probe& p, int64_t now_ms, observer& obs,
                                      run_outcome& out);
/// take_or_abort into out.final; false if the cluster cannot be read.
bool take_final(cluster_probe& p, int64_t now_ms, observer& obs, run_outcome& out);

} // namespace drover::replay
