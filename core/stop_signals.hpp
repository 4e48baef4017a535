// The signals that stop a drover process (SIGINT, SIGTERM), blocked so the
// main thread takes them synchronously (sigwait / sigtimedwait) instead of
// in a handler. No CAF here: the test PostgreSQL launcher uses it too.
#pragma once

#include <signal.h>

namespace drover {

/// Blocks SIGINT/SIGTERM in the calling thread and every thread it starts
/// afterwards (they inherit the mask); returns the set to wait on.
inline sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

} // namespace drover
