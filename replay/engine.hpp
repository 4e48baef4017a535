// Plays a scenario: builds its cluster, runs the timeline, observes, and
// judges the expectations. No CAF in this header (commands.cpp and tests
// include it); engine.cpp has the actor system.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "replay/outcome.hpp"
#include "replay/scenario.hpp"

namespace drover::replay {

struct replay_result;
/// Checks every expectation against `result.outcome`; `passed` holds when
/// the run was not aborted and every check is ok. Shared by all clocks.
void judge(const scenario& s, replay_result& result);
struct replay_result {
  std::string trace;                 ///< one line per event, ms since the start
  run_outcome outcome;
  std::vector<check_result> checks;
  bool passed = false;               ///< every expectation holds
  std::string clock_note;            ///< real clock: how it differs; empty on virtual time
};

/// Runs `play` with the actors' log lines off (they are not part of the
/// trace), then judges what it played unless it failed.
result<replay_result> play_quietly(const scenario& s,
                                   const std::function<result<replay_result>()>& play);

/// Runs `s` on CAF's deterministic test scheduler: every actor in this
/// process, time advanced instantly from timer to timer. The same scenario
/// gives the same trace, byte for byte. Errors only for a cluster that
/// cannot be built (e.g. an unreadable rules file).
result<replay_result> replay_virtual(const scenario& s);

/// How a real-clock replay waits and judges.
struct real_options {
  int64_t tolerance_ms = 100;   ///< timed expectations may miss by this much
  int64_t reply_ms = 5000;      ///< longest wait for any one answer of the manager
  int64_t poll_ms = 20;         ///< how often the cluster is looked at between entries
};

/// Runs `s` on the normal scheduler, every actor in this process: timeline
/// entries happen at their wall-clock offsets from the start, and the state
/// is read by requests to the manager (no actor state in place). The trace
/// has wall-clock times and is not the same from run to run. A probe `at: T`
/// is sampled over T +- tolerance and holds if one sample does; `within`
/// and `after` give way by the tolerance. `active_producer` and the `lists`
/// counter at a probe time cannot be observed (no manager message names
/// them) and fail saying so; `lists` at the end is read from the store once
/// every actor has stopped. Errors only for a cluster that cannot be built;
/// a manager that stops answering ends the run with outcome.aborted set.
result<replay_result> replay_real(const scenario& s, const real_options& o);

/// Runs `s` with every member a `drover run` process of this binary on
/// 127.0.0.1 (engine_processes.cpp): kill is SIGKILL, state is read over
/// the manager's REST API, entries play on the wall clock as with
/// replay_real. Refuses (ec::bad_input, one "file:line: why" per entry) a
/// scenario with crash, partition, heal, deregister or slow; an error too if
/// a process does not start. Not observable: active_producer, and the
/// `lists` and `restarts` counters; `executed` only at the end and only if no
/// consumer was SIGKILLed; `timeouts` and `completed_twice` only when no
/// task of the scenario has a timeout.
result<replay_result> replay_processes(const scenario& s, const real_options& o);

/// The report: every expectation with PASS/FAIL and what was found.
std::string format_report(const scenario& s, const replay_result& r);

} // namespace drover::replay
