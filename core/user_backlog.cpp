#include "core/user_backlog.hpp"

#include <atomic>

namespace drover {

namespace {
std::atomic<uint64_t> backlog{0};
} // namespace

uint64_t user_backlog() {
  return backlog.load(std::memory_order_relaxed);
}

void set_user_backlog(uint64_t n) {
  backlog.store(n, std::memory_order_relaxed);
}

} // namespace drover
