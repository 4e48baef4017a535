// The end-of-run report of `drover replay`: the scenario, the final
// counters, and every expectation with PASS/FAIL, its line in the scenario
// and what was found. Deterministic like the trace (no wall-clock figures).
#include <fmt/format.h>

#include "replay/engine.hpp"

namespace drover::replay {

std::string format_report(const scenario& s, const replay_result& r) {
  std::string out = fmt::format("scenario {} (seed {})\n", s.name, s.seed);
  if (!s.description.empty())
    out += "  " + s.description + "\n";
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
  out += fmt::format("{}: {} of {} expectations hold\n", failed == 0 ? "PASSED" : "FAILED",
                     r.checks.size() - failed, r.checks.size());
  return out;
}

} // namespace drover::replay
