// The manager's consumers: who is a member, its credit in use (tasks leased
// and not yet reported) and its lease window, its grace, its mode, and its
// leases in doubt after a loss or a manager restart; and the candidates
// rules/ chooses from, kept in step with the members. It owns two
// invariants: in-flight counts never go below zero, and a candidate accepts
// work only while its member is present and awake. Pure: the actor keeps
// the handles and the outboxes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/grace.hpp"
#include "core/lease_window.hpp"
#include "core/membership.hpp"
#include "core/node_status.hpp"
#include "core/task.hpp"
#include "rules/candidate.hpp"

namespace drover {

struct consumer_member {
  member_info info;
  uint32_t inflight = 0;      ///< tasks leased and not yet reported
  grace_period grace;         ///< lost: down or deregistered, grace running
  node_mode mode = node_mode::awake; ///< asleep/draining: no new work
  bool leaving = false;       ///< drained on SIGTERM: its next incarnation starts awake
  bool recovered = false;     ///< known from the store only: its process has not joined yet
  std::unordered_set<task_id> in_doubt; ///< leases its next report must confirm
  uint32_t slot = 0;          ///< its index in the pool's candidates
  bool touched = false;       ///< handed out for change since the candidates were refreshed
  run_time_mean run_times;    ///< of its reports: whether its prefetch counts

  /// Tasks it may hold at once (core/lease_window.hpp).
  uint32_t window() const { return lease_window(info.capacity, info.prefetch, run_times.us()); }

  /// Present and awake: it may get new work.
  bool accepting() const { return !grace.lost() && mode == node_mode::awake; }
  /// One lease fewer (reported, aborted, handed or taken back).
  void release() {
    if (inflight > 0)
      --inflight;
  }
};

class consumer_pool {
public:
  struct joined {
    bool returned = false;        ///< the same process (or the one the store knew) is back
    bool new_incarnation = false; ///< a new process took the name: the old leases are void
    bool was_recovered = false;   ///< it was known from the store only
    bool was_lost = false;        ///< its grace was running
  };
  /// Consumer `info` joined. `same_process`: the actor knows this very
  /// process already. A returning member keeps its leases and counts; a new
  /// one starts empty, keeping only its grace generation (so a timer left
  /// from an earlier loss never matches a later one) and its mode (unless it
  /// drained on SIGTERM: then it comes back awake).
  joined join(const member_info& info, bool same_process);
  /// `node` is known from the store only (a manager restart): created lost,
  /// until its process joins.
  consumer_member& recovered(const std::string& node);
  /// `node` left for good (its grace ran out).
  void erase(const std::string& node);

  /// A member to read or change (nullptr if none). Changing access marks it,
  /// so the next candidates() refreshes it: what a member may change (credit,
  /// grace, mode) reaches the candidates without a pass over every member.
  /// REQUIRES: changes through the pointer happen before the next
  /// candidates() (a dispatch); find the member again after it.
  consumer_member* find(const std::string& node);
  const consumer_member* find(const std::string& node) const;
  std::size_t count(const std::string& node) const { return members_.count(node); }
  std::size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }
  const std::map<std::string, consumer_member>& members() const { return members_; }
  /// Calls f(member&) for each member, by node name (all are refreshed next).
  template <class F>
  void for_each(F&& f) {
    all_touched_ = true;
    for (auto& [node, c] : members_)
      f(c);
  }

  /// The candidates rules/ chooses from, in step with the members: rebuilt
  /// after a join or a leave; otherwise only the members handed out for
  /// change since the last call get their credit and acceptance refreshed,
  /// so a dispatch costs the same with 4 members or 10,000.
  std::vector<candidate>& candidates();
  /// The member behind candidates()[i].
  consumer_member& member_of(std::size_t i) { return touch(*candidate_of_[i]); }
  /// The rebuild happened since the last call: the assigner forgets what it
  /// knew of the old members' order.
  bool take_rebuilt();
  /// The candidates the last candidates() refreshed (every one after a
  /// rebuild or a for_each): whose credit or acceptance may have changed.
  const std::vector<uint32_t>& refreshed() const { return refreshed_; }

private:
  consumer_member& touch(consumer_member& c);
  void refresh(consumer_member& c);

  std::map<std::string, consumer_member> members_;
  std::vector<consumer_member*> touched_;      ///< to refresh; void after a rebuild
  bool all_touched_ = false;
  std::vector<candidate> candidates_;
  std::vector<consumer_member*> candidate_of_; ///< same order as candidates_
  std::vector<uint32_t> refreshed_;            ///< slots the last candidates() refreshed
  bool dirty_ = true;
  bool rebuilt_ = false;
};

} // namespace drover
