// The node-side hook for status reports (actors/node_agent.cpp copies it into
// the node's `user_backlog` field): items waiting in this process's per-user
// queues, kept current by the mailbox actor (actors/mailbox.hpp).
#pragma once

#include <cstdint>

namespace drover {

/// Items stored in this process's user queues and not yet consumed; 0 when
/// the process runs no mailbox. Thread-safe.
uint64_t user_backlog();
/// Set by the mailbox after every change of its queues.
void set_user_backlog(uint64_t n);

} // namespace drover
