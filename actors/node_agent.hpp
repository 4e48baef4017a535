// A node's side of status reports and commands: what
// the consumer keeps between reports (the last host sample for deltas, the
// command updates not yet told, its mode and its one cache) and how it
// builds a report and applies the commands that need no actor. No CAF
// here: the consumer (actors/consumer.cpp) owns one and does the sending,
// the restart and the re-registration.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/errors.hpp"
#include "core/host_stats.hpp"
#include "core/membership.hpp"
#include "core/node_status.hpp"

namespace drover {

/// What a node process plugs in; every member has a working default.
struct node_hooks {
  /// Reads the host at `now_ms` (default: /proc and statvfs of ".").
  std::function<host_sample(int64_t now_ms)> sample;
  /// Messages in this node's per-user queues (default: the process-wide
  /// count the mailbox keeps, core/user_backlog.hpp).
  std::function<uint64_t()> user_backlog;
  /// Re-reads the node's config file into `info` (tags, capacity) for the
  /// update command; null: the node has no config file.
  std::function<error(member_info& info)> reload;
};

/// Fills the hooks left empty with their defaults.
node_hooks with_defaults(node_hooks h);

/// Per task type, the runs this consumer finished: its one cache, reported
/// as cache_entries and dropped by clear_cache.
struct type_tally {
  uint64_t runs = 0;
  uint64_t total_us = 0;
};

class node_agent {
public:
  explicit node_agent(node_hooks hooks = {});

  /// The next report of `info.node` at `now_ms` with `task_backlog` tasks
  /// held; takes the pending command updates (give them back with
  /// `requeue` if the report cannot be delivered).
  node_status report(const member_info& info, uint64_t task_backlog, int64_t now_ms);
  void requeue(std::vector<command_update> updates);

  /// Applies clear_cache, drain, sleep and wake and records their update;
  /// false for kinds the caller must run itself (restart, update).
  bool apply(const node_command& c);
  /// Records the outcome of a command the caller ran.
  void record(uint64_t id, command_state s, std::string reason);

  /// Counts one finished run of `type` (the cache).
  void count_run(const std::string& type, uint32_t run_us);

  node_mode mode() const { return mode_; }
  const node_hooks& hooks() const { return hooks_; }
  size_t cache_entries() const { return cache_.size(); }

private:
  node_hooks hooks_;
  node_mode mode_ = node_mode::awake;
  bool fresh_ = true;
  bool has_last_ = false;
  host_sample last_;
  std::vector<command_update> updates_;
  std::unordered_map<std::string, type_tally> cache_;
};

} // namespace drover
