// The names the manager, consumer and store actors report (CAF's name()),
// in one place: app/io_inline.cpp picks by them the actors that a message
// from another process may run on the network thread.
#pragma once

namespace drover::actor_names {

inline constexpr const char* manager = "manager";
inline constexpr const char* consumer = "consumer";
inline constexpr const char* store = "store";

} // namespace drover::actor_names
