// Producers run active-standby per group (DESIGN.md §6): the first to join a
// group is active, the others stand by. When the active one is lost and its
// grace runs out, the standby that joined first becomes active; with no
// standby, the group remembers the lost one (orphaned) so the next producer
// to join continues its unfinished jobs. This part owns the invariant that a
// group has at most one active producer and that it is a member. Pure: the
// actor keeps the handles, arms the grace timers and sends the activations.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/grace.hpp"
#include "core/membership.hpp"

namespace drover {

struct producer_member {
  member_info info;
  uint64_t joined = 0;        ///< join order: the earliest standby is promoted
  grace_period grace;         ///< lost: down or deregistered, grace running
};

class producer_groups {
public:
  enum class role { active, active_again, standby };

  struct joined {
    role as = role::standby;
    bool back = false;          ///< it was lost and returned within its grace
    std::string takes_over;     ///< active: the lost producer whose unfinished jobs it continues
    std::string active;         ///< standby: who is active in its group
  };
  /// Producer `info` joined (again); `same_process` if the actor knows this
  /// very process already (then its join order stays).
  joined join(const member_info& info, bool same_process);

  struct lost {
    uint64_t gen = 0;           ///< for its grace timer
    bool was_active = false;
  };
  /// Producer `node` is gone; none if it is not a member.
  std::optional<lost> lose(const std::string& node);

  struct expired {
    bool was_active = false;
    std::string successor;      ///< the standby active now, empty if none
    bool orphaned = false;      ///< no standby: the group waits for the next producer
  };
  /// The grace timer of `node` carrying `gen` fired. If it is still gone it
  /// leaves; if it was active, the first standby becomes active, or, with no
  /// standby and `left_work` (it pushed unfinished jobs), the group is
  /// orphaned. None if the timer is stale (it came back, or an older one).
  std::optional<expired> expire(const std::string& node, uint64_t gen, bool left_work);

  /// The active producer of `group`, empty if none.
  std::string active_of(const std::string& group) const;
  bool is_active(const std::string& node) const;
  /// A live member that is the active one of its job's `group`.
  bool pushing(const std::string& node, const std::string& group) const;
  const producer_member* member(const std::string& node) const;
  std::size_t count(const std::string& node) const { return members_.count(node); }
  const std::map<std::string, producer_member>& members() const { return members_; }
  const std::map<std::string, std::string>& active() const { return active_; }
  std::size_t size() const { return members_.size(); }

private:
  /// The earliest-joined live member of `group` other than `except`.
  producer_member* first_standby(const std::string& group, const std::string& except);

  std::map<std::string, producer_member> members_;  ///< by node
  std::map<std::string, std::string> active_;       ///< group -> node
  std::map<std::string, std::string> orphaned_by_;  ///< group -> lost active, no standby
  uint64_t joins_ = 0;
};

} // namespace drover
