#include "tests/support/chaos_schedule.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

namespace drover::testing {

std::vector<fault> chaos_schedule(uint64_t seed, const chaos_params& p) {
  std::mt19937_64 rng{seed};
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>{lo, hi}(rng);
  };
  std::vector<fault> out;
  for (int i = 0; i < p.faults; ++i) {
    fault f;
    // Every kind once, then any: each seed has a manager and a producer kill.
    f.kind = i < 4 ? static_cast<fault_kind>(i) : static_cast<fault_kind>(pick(0, 3));
    f.at_ms = pick(300, p.window_ms - 1);
    switch (f.kind) {
      case fault_kind::kill_consumer:
        f.target = static_cast<int>(pick(0, p.consumers - 1));
        f.down_ms = pick(200, 1500);
        break;
      case fault_kind::stop_consumer:
        f.target = static_cast<int>(pick(0, p.consumers - 1));
        f.down_ms = pick(300, 4000);
        break;
      case fault_kind::kill_manager:
        f.down_ms = pick(200, 1500);
        break;
      case fault_kind::kill_producer:
        f.target = static_cast<int>(pick(0, p.producers - 1));
        f.down_ms = pick(200, 2000);
        break;
    }
    out.push_back(f);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const fault& a, const fault& b) { return a.at_ms < b.at_ms; });
  return out;
}

std::string describe(const std::vector<fault>& faults) {
  std::string out;
  for (auto& f : faults) {
    std::string what;
    switch (f.kind) {
      case fault_kind::kill_consumer: what = fmt::format("SIGKILL consumer c{}", f.target + 1); break;
      case fault_kind::stop_consumer: what = fmt::format("SIGSTOP consumer c{}", f.target + 1); break;
      case fault_kind::kill_manager: what = "SIGKILL manager"; break;
      case fault_kind::kill_producer:
        what = fmt::format("SIGKILL producer p{}", static_cast<char>('A' + f.target));
        break;
    }
    out += fmt::format("  {:>6} ms  {}, back after {} ms\n", f.at_ms, what, f.down_ms);
  }
  return out;
}

} // namespace drover::testing
