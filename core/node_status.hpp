// What a node reports about itself every --status-every ms, and the
// commands an operator (REST) or the manager's idle policy sends it.
// Plain data with names for JSON, logs and the protocol; no CAF. The
// manager keeps them in core/node_board.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/membership.hpp"

namespace drover {

/// Whether a consumer takes work. Asleep and draining nodes get no new
/// tasks but keep heartbeating; draining ones finish what they have.
enum class node_mode : uint8_t { awake = 0, asleep = 1, draining = 2 };
constexpr int node_mode_count = 3;
const char* to_string(node_mode m);

enum class command_kind : uint8_t { restart, clear_cache, drain, update, sleep, wake };
const char* to_string(command_kind k);
/// Parses a command name ("clear_cache", ...); ec::bad_input naming the
/// commands if unknown.
[[nodiscard]] result<command_kind> parse_command_kind(const std::string& text);
/// "restart, clear_cache, drain, update, sleep, wake", for error messages.
const char* command_names();

enum class command_state : uint8_t { queued = 0, running = 1, done = 2, failed = 3 };
constexpr int command_state_count = 4;
const char* to_string(command_state s);

/// One command and where it stands; the manager's record of it.
struct node_command {
  uint64_t id = 0;
  std::string node;
  command_kind kind = command_kind::wake;
  command_state state = command_state::queued;
  std::string reason;            ///< why it failed, or what it did
  std::string by;                ///< "rest" or "policy"
  int64_t created_ms = 0;        ///< unix ms (manager clock)
  int64_t sent_ms = 0;           ///< handed to the node with a report reply; 0: not yet
  int64_t finished_ms = 0;
};

/// A node's word on one command it was given.
struct command_update {
  uint64_t id = 0;
  command_state state = command_state::done;
  std::string reason;
};

/// One status report. Rates are per second over the last interval.
struct node_status {
  std::string node;
  member_role role = member_role::consumer;
  int64_t at_ms = 0;             ///< unix ms, stamped by the manager on arrival
  double cpu_pct = 0;
  double mem_pct = 0;
  double disk_pct = 0;
  double net_in_bps = 0;
  double net_out_bps = 0;
  uint64_t task_backlog = 0;     ///< tasks the node holds and has not finished
  uint64_t user_backlog = 0;     ///< messages in its per-user queues (#9 users)
  uint64_t cache_entries = 0;    ///< what clear_cache would drop
  node_mode mode = node_mode::awake; ///< as the node itself sees it
  bool fresh = false;            ///< first report of this incarnation (after a restart)
  std::vector<command_update> commands; ///< updates since the last report
};

} // namespace drover
