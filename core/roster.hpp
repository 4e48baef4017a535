// Every member the manager has heard of and where it stands: up, lost or
// left, since when and why, kept after it is gone (so an operator sees a
// killed consumer, not a row that vanished) until it comes back or an
// operator forgets it; with its mode (awake, asleep, draining) and the task
// attempts it ran. Pure, time passed in: the manager feeds it from its
// membership handlers (actors/manager_watch.cpp), tests call it directly.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "core/membership.hpp"
#include "core/node_status.hpp"

namespace drover {

enum class presence : uint8_t {
  up,   ///< registered and heard from
  lost, ///< down or silent (its work moves after the grace)
  left, ///< deregistered: it said goodbye
};
const char* to_string(presence p);

struct roster_entry {
  member_info info;
  presence state = presence::up;
  int64_t since_ms = 0;          ///< when it entered `state`
  std::string reason;            ///< why, e.g. "registered", "missed 3 heartbeats (500 ms each)"
  node_mode mode = node_mode::awake;
  int64_t mode_since_ms = 0;     ///< when `mode` was set
  std::string mode_reason;       ///< e.g. "drain command", "SIGTERM"
  int64_t first_joined_ms = 0;
  uint64_t joins = 0;            ///< registrations, the first included
};

/// The attempts a node ended since the manager started.
struct attempt_counts {
  uint64_t executed = 0;         ///< any outcome
  uint64_t failed = 0;           ///< failed or timed out (retried ones too)
};

class roster {
public:
  /// Gone members kept at most; past it the one gone longest is dropped.
  static constexpr std::size_t gone_limit = 500;

  enum class join_kind { first, back, again };
  /// `info` registered: first time, back after a loss or leave, or again
  /// while up (a new process under the same name, or the registry's replay).
  join_kind joined(const member_info& info, int64_t now_ms);
  /// The member was lost (down, silent) or left (deregistered). False if it
  /// is unknown or already gone (nothing changed).
  bool gone(member_role role, const std::string& node, presence how, const std::string& why,
            int64_t now_ms);
  /// A consumer's mode changed (drain, sleep, wake); false if unknown or the same.
  bool set_mode(const std::string& node, node_mode mode, const std::string& why, int64_t now_ms);
  /// One attempt ended on `node`; `failed` for failed, timed out or retried.
  /// Called for every ACK: no allocation once the node was counted.
  void count_attempt(std::string_view node, bool failed);
  attempt_counts attempts_of(std::string_view node) const;
  /// Drops every gone entry of `node` (an operator's forget). ec::unknown_member
  /// if none is known; ec::bad_transition if it is up (it would come right back).
  result<std::vector<roster_entry>> forget(const std::string& node);

  const roster_entry* find(member_role role, const std::string& node) const;
  /// Entries of `node` (a process may be producer and consumer at once).
  std::vector<const roster_entry*> of_node(const std::string& node) const;
  const std::map<std::pair<member_role, std::string>, roster_entry>& entries() const {
    return entries_;
  }

private:
  using key = std::pair<member_role, std::string>;
  void trim();
  std::map<key, roster_entry> entries_;
  /// The gone entries, oldest first (ties in entries_' order): trim() drops
  /// from the front instead of scanning every member on each leave.
  std::set<std::pair<int64_t, key>> gone_by_age_;
  std::map<std::string, attempt_counts, std::less<>> attempts_; ///< by node
};

} // namespace drover
