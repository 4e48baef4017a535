// Items waiting in one node's per-user queues: its mailbox writes the count
// after every change of its queues, its consumer's status reports read it
// (the node's `user_backlog` field) from another actor, maybe another
// thread, hence atomic. One per node, handed to both (app/run.cpp), so two
// consumers in one process (replay, tests) each report their own.
#pragma once

#include <atomic>
#include <cstdint>

namespace drover {

class user_backlog {
public:
  uint64_t get() const { return n_.load(std::memory_order_relaxed); }
  void set(uint64_t n) { n_.store(n, std::memory_order_relaxed); }

private:
  std::atomic<uint64_t> n_{0};
};

} // namespace drover
