// The registry: producers and consumers register here; it monitors them and
// tells the manager who joined, left (deregistered) or was lost (down).
// Receives: (register_atom, member_info) from a member -> the manager handle
// (held back until a manager registered); (deregister_atom, member_info);
// (manager_atom, manager) from the manager, which then hears every member.
#pragma once

#include <caf/fwd.hpp>

namespace drover {

caf::actor spawn_registry(caf::actor_system& sys);

} // namespace drover
