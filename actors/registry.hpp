// The registry: producers and consumers register here; it watches them and
// tells the manager who joined, left (deregistered) or was lost.
// Receives: (register_atom, member_info) from a member -> the manager handle
// (held back until a manager registered); (deregister_atom, member_info);
// (heartbeat_atom, member_info) from members every heartbeat interval;
// (manager_atom, manager) from the manager, which then hears every member;
// (get_atom, members_atom) -> std::vector<node_info> with the last heartbeat;
// (leader_atom, address) while its manager process stands by: registrations
// are refused with ec::not_leader naming the leader's registry; (leader_atom)
// once it won: registrations wait for its manager again.
// A member is lost when CAF reports it down (process died, connection broke)
// or when it missed `misses` heartbeats in a row (it hangs, or the network
// dropped its messages without closing the connection).
#pragma once

#include <chrono>
#include <string>
#include <cstdint>

#include <caf/fwd.hpp>

namespace drover {

struct registry_options {
  std::chrono::milliseconds heartbeat{1000}; ///< members' interval; 0: no heartbeats
  uint32_t misses = 3;                       ///< lost after this many missed in a row
  int64_t wall_offset_ms = 0;                ///< unix ms minus actor-clock ms (for reports)
  std::string token;                         ///< --token: rules get/apply must carry it
};

caf::actor spawn_registry(caf::actor_system& sys, registry_options opts = {});

} // namespace drover
