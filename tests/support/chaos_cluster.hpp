// The processes of a chaos run: a registry+manager with REST on fixed ports
// of 127.0.0.1 and an SQLite store, consumers, and producers of one group,
// each a `drover run` whose every incarnation is kept (its exit status is
// checked at the end). Faults go only to these PIDs; a killed process is
// started again with the same flags and waited for through its --ready-file.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/chaos_schedule.hpp"
#include "tests/support/process.hpp"

namespace drover::testing {

/// One role's processes, oldest first; the last one is current.
struct chaos_role {
  std::string name;                     ///< c1, pA, manager, ...
  std::vector<std::string> args;        ///< without --ready-file
  std::vector<std::unique_ptr<child_process>> lives;
  std::vector<bool> killed;             ///< per life: the test SIGKILLed it
  int64_t back_at_ms = -1;              ///< restart (or SIGCONT) due then; -1: none
  bool stopped = false;                 ///< SIGSTOPped, waiting for SIGCONT
  child_process& current() { return *lives.back(); }
};

struct chaos_cluster {
  std::string dir;
  uint16_t registry_port = 0;
  uint16_t http_port = 0;
  chaos_role manager;
  std::vector<chaos_role> consumers;
  std::vector<chaos_role> producers;
  std::vector<std::string> applied;     ///< what was done when, for the report

  /// Sets up the roles (nothing starts yet). `consumer_extra` are flags
  /// every consumer gets (e.g. --journal=PATH, a worker handler).
  chaos_cluster(std::string dir, const std::string& store, int consumers, int producers,
                const std::vector<std::string>& producer_args,
                const std::vector<std::string>& consumer_extra);

  /// Starts a new life of `r` and waits (at most `limit`) for its ready file.
  bool start(chaos_role& r, std::chrono::milliseconds limit);
  /// Applies `f` now (`now_ms` since the start); false if its target is not
  /// running (already down, or a producer that finished): then skipped.
  bool apply(const fault& f, int64_t now_ms);
  /// Restarts or continues whatever is due at `now_ms`.
  void tick(int64_t now_ms);
  /// True once nothing is down or stopped any more and every restarted
  /// process is up (ready file written) or has ended.
  bool all_back() const;
  /// The path of role `r`'s ready file for its next or current life.
  std::string ready_path(const chaos_role& r) const;
};

/// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t free_port();

} // namespace drover::testing
