// The nodes feature of the REST backend (http/routes_nodes.cpp): members,
// their status reports, and commands to them.
// The shared contract (threads, bounded waits, error codes): http/backend.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "http/api_types.hpp"

namespace drover {

class nodes_backend {
public:
  virtual ~nodes_backend() = default;

  /// Every member the manager knows, with its state and load.
  virtual result<std::vector<node_info>> nodes() = 0;

  /// Status reports of `node` with at_ms > `since_ms` (unix ms), oldest
  /// first, at most the last 150. ec::unknown_member.
  virtual result<std::vector<node_status>> node_history(const std::string& node,
                                                        int64_t since_ms) = 0;

  /// Queues `command` (restart, clear_cache, drain, update, sleep, wake) for
  /// `node`; the node fetches it with its next status report.
  /// ec::unknown_member; ec::bad_input for a command or node it cannot take.
  virtual result<node_command> post_node_command(const std::string& node,
                                                 const std::string& command) = 0;

  /// The commands of `node`, oldest first. ec::unknown_member.
  virtual result<std::vector<node_command>> node_commands(const std::string& node) = 0;
};

} // namespace drover
