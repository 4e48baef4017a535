// What a replay observed, as plain data: snapshots of the cluster at probe
// times and at the end, and every task's final record. The engine fills it
// (engine.cpp, observe.cpp); expect.cpp judges the expectations on it
// without any actor, so the checks are pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "replay/scenario.hpp"

namespace drover::replay {

/// The cluster as the manager (and the engine) saw it at one moment. A
/// counter that could not be observed is absent (never a made-up 0).
struct snapshot {
  int64_t at_ms = 0;
  std::map<std::string, uint64_t> counters;          ///< see counter_names()
  std::map<std::string, std::string> active_producer; ///< group -> node
  std::map<std::string, bool> consumers;             ///< node -> lost (grace running)
  std::string rules;                                 ///< "source version hash"
  std::map<std::string, std::string> job_states;     ///< job name -> "done" / "running"
};

/// One task as the store has it at the end.
struct task_record {
  uint64_t id = 0;
  std::string job;            ///< job name
  std::string state;          ///< upper case, e.g. SUCCEEDED
  std::string consumer;       ///< who ran its last attempt
  struct reassignment {
    std::string from;         ///< the consumer it was taken from
    int64_t at_ms = 0;        ///< since the start of the run
  };
  std::vector<reassignment> reassigned;
};

struct run_outcome {
  snapshot final;
  /// By probe time: one snapshot on virtual time; on a real clock every
  /// sample taken within +-tolerance_ms of it (the check needs one to hold).
  std::map<int64_t, std::vector<snapshot>> probes;
  std::map<std::string, std::vector<int64_t>> losses;    ///< member -> kill/partition/... times
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> producer_history; ///< group -> (time, node)
  std::vector<task_record> tasks;
  // multi-user data: "sender#k" items each user acknowledged, in order;
  // items sent per "from>to"; each user's node at the end.
  std::map<std::string, std::vector<std::string>> data_received;
  std::map<std::string, uint64_t> data_sent;
  std::map<std::string, std::string> user_nodes;
  /// user -> lifecycle record kind -> items the user consumed with such a record
  std::map<std::string, std::map<std::string, uint64_t>> data_records;
  bool hit_limit = false;     ///< stopped at `until` with work left
  /// Real clock: how far a timed expectation may miss (0 on virtual time).
  int64_t tolerance_ms = 0;
  /// False when nothing names the active producer (real clock: no manager
  /// message does), so active_producer cannot be judged.
  bool producers_observed = true;
  /// Set when the run could not be observed to its end (e.g. the manager
  /// stopped answering); the run fails with this text.
  std::string aborted;
};

struct check_result {
  const expectation* what = nullptr;
  bool ok = false;
  std::string detail;         ///< what was found
};

/// Judges every expectation of `s` on `o`.
std::vector<check_result> evaluate(const scenario& s, const run_outcome& o);
/// data_received and user_on (replay/data_expect.cpp).
check_result check_data(const expectation& e, const run_outcome& o);

} // namespace drover::replay
