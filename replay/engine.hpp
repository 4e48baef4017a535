// Plays a scenario: builds its cluster, runs the timeline, observes, and
// judges the expectations. No CAF in this header (commands.cpp and tests
// include it); engine.cpp has the actor system.
#pragma once

#include <string>
#include <vector>

#include "core/errors.hpp"
#include "replay/outcome.hpp"
#include "replay/scenario.hpp"

namespace drover::replay {

struct replay_result {
  std::string trace;                 ///< one line per event, virtual timestamps
  run_outcome outcome;
  std::vector<check_result> checks;
  bool passed = false;               ///< every expectation holds
};

/// Runs `s` on CAF's deterministic test scheduler: every actor in this
/// process, time advanced instantly from timer to timer. The same scenario
/// gives the same trace, byte for byte. Errors only for a cluster that
/// cannot be built (e.g. an unreadable rules file).
error replay_virtual(const scenario& s, replay_result& out);

/// The report: every expectation with PASS/FAIL and what was found.
std::string format_report(const scenario& s, const replay_result& r);

} // namespace drover::replay
