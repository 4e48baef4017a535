// The end-of-run report of `drover replay`: the scenario, the final
// counters, and every expectation with PASS/FAIL, its line in the scenario
// and what was found. On virtual time deterministic like the trace (no
// wall-clock figures); a real-clock run says so in one more line.
#include <fmt/format.h>

#include "replay/engine.hpp"

namespace drover::replay {

std::string format_report(const scenario& s, const replay_result& r) {
  std::string out = fmt::format("scenario {} (seed {})\n", s.name, s.seed);
  if (!s.description.empty())
    out += "  " + s.description + "\n";
  if (!r.clock_note.empty())
    out += r.clock_note + "\n";
  if (!r.outcome.aborted.empty())
    out += "ABORTED: " + r.outcome.aborted + "\n";
  auto& f = r.outcome.final;
  out += fmt::format("ended at {} ms{}\n", f.at_ms,
                     r.outcome.hit_limit ? " (time limit, work left)" : "");
  std::string counters;
  for (auto& [name, v] : f.counters)
    counters += fmt::format("{}{}={}", counters.empty() ? "" : " ", name, v);
  out += "counters: " + counters + "\n";
  size_t failed = 0;
  for (auto& c : r.checks) {
    failed += c.ok ? 0 : 1;
    out += fmt::format("{} {}:{}: {} -- {}\n", c.ok ? "PASS" : "FAIL", s.path, c.what->line,
                       c.what->text, c.detail);
  }
  out += fmt::format("{}: {} of {} expectations hold\n", r.passed ? "PASSED" : "FAILED",
                     r.checks.size() - failed, r.checks.size());
  return out;
}

} // namespace drover::replay
