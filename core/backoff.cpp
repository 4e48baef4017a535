#include "core/backoff.hpp"

#include <algorithm>

namespace drover {

std::chrono::milliseconds backoff_delay(const backoff_policy& p, uint32_t failures) {
  if (failures == 0 || p.first.count() <= 0)
    return std::chrono::milliseconds{0};
  auto wait = p.first;
  for (uint32_t i = 1; i < failures && wait < p.max; ++i)
    wait *= 2; // stops doubling at the cap: no overflow however many failures
  return std::min(wait, std::max(p.max, p.first));
}

retry_decision next_retry(const backoff_policy& p, uint32_t failures, int64_t since_ms,
                          int64_t now_ms) {
  retry_decision out;
  out.wait = backoff_delay(p, failures);
  if (p.give_up_after.count() <= 0)
    return out;
  auto deadline = since_ms + p.give_up_after.count();
  if (now_ms >= deadline) {
    out.give_up = true;
    out.wait = std::chrono::milliseconds{0};
    return out;
  }
  out.wait = std::min(out.wait, std::chrono::milliseconds{deadline - now_ms});
  return out;
}

bool worth_logging(uint32_t failures) {
  return failures != 0 && (failures & (failures - 1)) == 0;
}

} // namespace drover
