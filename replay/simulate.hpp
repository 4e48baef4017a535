// `drover simulate`: a local cluster in one process on the normal (real
// time) scheduler, built like a replay cluster (replay/cluster.hpp), and a
// summary of how fast it ran: throughput, latency percentiles, peak memory.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"

namespace drover::replay {

struct replay_commands;

/// Runs the simulation the flags describe; 0 when every task succeeded,
/// 1 otherwise, 2 for bad flags (e.g. an unknown --type).
int run_simulate(const replay_commands& c, std::ostream& out, std::ostream& err);

/// Latency figures of one kind, in ms (nearest-rank percentiles).
struct latency_summary {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  uint64_t count = 0;
};
/// Sorts `ms` and summarises it; all zero if empty.
latency_summary summarize(std::vector<int64_t> ms);

/// A Prometheus histogram's percentiles, each the upper bound in ms of the
/// first bucket that holds it (all the text tells), or `infinite` for +Inf.
struct latency_buckets {
  static constexpr double infinite = -1;
  double p50 = 0, p90 = 0, p99 = 0;
  uint64_t count = 0;
};
/// Reads histogram `name` (seconds, cumulative `_bucket{le="..."}` lines)
/// from Prometheus text; none if it is absent or empty.
std::optional<latency_buckets> histogram_percentiles(const std::string& text,
                                                     const std::string& name);

/// `simulate --processes`: every node a `drover run` process of this
/// binary on 127.0.0.1 (simulate_processes.cpp). 0 when every producer
/// exited 0, 1 otherwise or when a process did not start or finish in time.
int run_simulate_processes(const replay_commands& c, const std::string& type,
                           const std::string& payload, std::ostream& out, std::ostream& err);

/// A task type for simulate and its payload.
struct sim_type {
  std::string type;
  std::string payload;
};
/// Parses --type: noop, sleep:MS, burn:US -> handler type and payload;
/// ec::bad_input saying what is allowed if it is none of these.
[[nodiscard]] result<sim_type> parse_sim_type(const std::string& text);

} // namespace drover::replay
