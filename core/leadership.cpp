// The leadership decisions: see core/leadership.hpp.
#include "core/leadership.hpp"

#include <algorithm>

namespace drover {

int64_t local_deadline_ms(const leadership& l, const lease_timing& t) {
  return l.renewed_at_ms + t.ttl_ms - t.margin_ms;
}

bool past_deadline(const leadership& l, int64_t now_ms, const lease_timing& t) {
  return l.leading && now_ms >= local_deadline_ms(l, t);
}

namespace {

lease_verdict while_leading(leadership& l, const lease_seen& seen, int64_t started_ms,
                            int64_t now_ms, const lease_timing& t) {
  if (!seen.reached) {
    if (past_deadline(l, now_ms, t))
      return {lease_step::step_down,
              "could not renew the leader lease before the local deadline ("
                + std::to_string(t.ttl_ms - t.margin_ms) + " ms after the last renewal): "
                + seen.problem};
    return {lease_step::keep_leading, {}}; // the next attempt may still make it
  }
  if (!seen.mine || seen.epoch != l.epoch) {
    l.leader_address = seen.address;
    return {lease_step::step_down,
            "the leader lease moved on (epoch " + std::to_string(seen.epoch) + ", this process "
              "led in epoch " + std::to_string(l.epoch) + ")"};
  }
  leadership renewed = l;
  renewed.renewed_at_ms = std::max(l.renewed_at_ms, started_ms);
  if (past_deadline(renewed, now_ms, t))
    return {lease_step::step_down, "renewing the leader lease took "
                                     + std::to_string(now_ms - started_ms)
                                     + " ms, past the local deadline"};
  l = renewed;
  return {lease_step::keep_leading, {}};
}

} // namespace

lease_verdict judge_attempt(leadership& l, const lease_seen& seen, int64_t started_ms,
                            int64_t now_ms, const lease_timing& t) {
  if (l.leading)
    return while_leading(l, seen, started_ms, now_ms, t);
  if (!seen.reached)
    return {lease_step::stand_by, {}};
  l.leader_address = seen.address;
  if (!seen.mine)
    return {lease_step::stand_by, {}};
  leadership won{true, seen.epoch, started_ms, seen.address};
  if (past_deadline(won, now_ms, t))
    return {lease_step::stand_by, {}}; // too slow to trust; the next attempt renews it
  l = won;
  return {lease_step::lead, {}};
}

int64_t next_attempt_in_ms(const leadership& l, int64_t started_ms, int64_t now_ms,
                           const lease_timing& t) {
  auto every = l.leading ? t.renew_every_ms : t.standby_every_ms;
  return std::max<int64_t>(0, started_ms + every - now_ms);
}

} // namespace drover
