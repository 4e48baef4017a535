// A member's side of the registry's liveness check: every `interval` a
// consumer or producer sends (heartbeat, info). If the registry answers that
// it no longer knows the member (it was declared lost after missed
// heartbeats), the member registers again; the manager then treats it like
// any re-registration (inside the grace: nothing moves).
#pragma once

#include <chrono>
#include <functional>

#include <caf/fwd.hpp>

#include "core/membership.hpp"

namespace drover {

/// Sends one heartbeat now and schedules (heartbeat_atom) to `self` after
/// `interval`; the actor's handler for that atom calls this again.
/// `on_forgotten` runs when the registry says "register again".
void send_heartbeat(caf::event_based_actor* self, const caf::actor& registry,
                    const member_info& info, std::chrono::milliseconds interval,
                    std::function<void()> on_forgotten);

/// True if `err` is drover's ec `code` (errors cross actors as caf::error).
bool is_drover_error(const caf::error& err, uint8_t code);

} // namespace drover
