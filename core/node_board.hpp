// The manager's record of its nodes' status reports and commands: the
// latest report and a bounded history per node, and every command with its
// state. Pure (time is an argument): actors/manager_nodes.cpp calls it from
// the manager's handlers, tests call it directly.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/node_status.hpp"

namespace drover {

class node_board {
public:
  static constexpr size_t history_limit = 150;  ///< reports kept per node
  static constexpr size_t command_limit = 100;  ///< finished commands kept per node

  /// Records a new command for `node` as queued; returns a copy of it.
  node_command queue(const std::string& node, command_kind kind, const std::string& by,
                     int64_t now_ms);

  /// Stores report `s` (stamped `now_ms`) and applies its command updates.
  /// A fresh report (a new incarnation) completes a running restart.
  /// Returns the node's queued commands not yet handed out, now marked sent:
  /// the reply to the report; none if not `hand_out` (a producer's report).
  std::vector<node_command> on_report(node_status s, int64_t now_ms, bool hand_out = true);

  /// The latest report of `node`, or nullptr.
  const node_status* latest(const std::string& node) const;
  /// Reports of `node` with at_ms > since_ms, oldest first.
  std::vector<node_status> history(const std::string& node, int64_t since_ms) const;
  /// Commands of `node`, oldest first.
  std::vector<node_command> commands(const std::string& node) const;
  /// True if the board has heard of `node` (a report or a command).
  bool knows(const std::string& node) const;
  /// Commands in each command_state, over all nodes (for /metrics).
  std::array<uint64_t, command_state_count> command_counts() const;
  uint64_t reports() const { return reports_; }

private:
  struct per_node {
    std::deque<node_status> history;
    std::deque<node_command> commands;
  };
  void apply(per_node& n, const command_update& u, int64_t now_ms);
  void trim(per_node& n);

  std::map<std::string, per_node> nodes_;
  uint64_t next_id_ = 1;
  uint64_t reports_ = 0;
};

} // namespace drover
