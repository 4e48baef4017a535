// `drover simulate`: a local cluster in one process on the normal (real
// time) scheduler, built like a replay cluster (replay/cluster.hpp), and a
// summary of how fast it ran: throughput, latency percentiles, peak memory.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

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

/// Parses --type: noop, sleep:MS, burn:US -> handler type and payload.
/// False with `why` set if it is none of these.
bool parse_sim_type(const std::string& text, std::string& type, std::string& payload,
                    std::string& why);

} // namespace drover::replay
