// A chaos run's faults, drawn from a seed: which process gets which signal
// when, and for how long it stays down. The same seed gives the same
// schedule, so a failing seed can be replayed (DROVER_CHAOS_SEED).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace drover::testing {

enum class fault_kind {
  kill_consumer,   ///< SIGKILL, restarted with the same flags after `down_ms`
  stop_consumer,   ///< SIGSTOP, SIGCONT after `down_ms`
  kill_manager,    ///< SIGKILL, restarted on the same store and ports
  kill_producer,   ///< SIGKILL, restarted with the same flags
};

struct fault {
  int64_t at_ms = 0;     ///< after the start of the run
  fault_kind kind = fault_kind::kill_consumer;
  int target = 0;        ///< consumer or producer index
  int64_t down_ms = 0;
};

struct chaos_params {
  int consumers = 3;
  int producers = 2;
  int faults = 8;              ///< the first four are one of each kind
  int64_t window_ms = 12000;   ///< faults start within [300 ms, window)
};

/// The faults of `seed`, ordered by time.
std::vector<fault> chaos_schedule(uint64_t seed, const chaos_params& p);

/// One line per fault, e.g. "  2140 ms  SIGKILL consumer c2, back after 800 ms".
std::string describe(const std::vector<fault>& faults);

} // namespace drover::testing
