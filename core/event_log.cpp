#include "core/event_log.hpp"

namespace drover {

const char* to_string(event_type t) {
  switch (t) {
    case event_type::member_joined: return "member_joined";
    case event_type::member_lost: return "member_lost";
    case event_type::member_back: return "member_back";
    case event_type::member_left: return "member_left";
    case event_type::member_forgotten: return "member_forgotten";
    case event_type::mode_changed: return "mode_changed";
    case event_type::reassigned: return "reassigned";
    case event_type::rules_swapped: return "rules_swapped";
    case event_type::schedule_fired: return "schedule_fired";
    case event_type::alert: return "alert";
    case event_type::producer_takeover: return "producer_takeover";
    case event_type::store_error: return "store_error";
    case event_type::admin_refused: return "admin_refused";
  }
  return "unknown";
}

uint64_t event_log::add(event_type type, std::string node, std::string text, int64_t now_ms,
                        uint64_t count) {
  auto seq = next_seq_++;
  events_.push_back(cluster_event{seq, now_ms, type, std::move(node), std::move(text), count});
  if (events_.size() > capacity_)
    events_.pop_front();
  return seq;
}

event_page event_log::after(uint64_t after, std::size_t limit) const {
  event_page out;
  out.last_seq = last_seq();
  if (after > last_seq()) { // numbers from another run of the manager: start over
    out.reset = true;
    after = 0;
  }
  if (events_.empty())
    return out;
  out.oldest_seq = events_.front().seq;
  // Events after `after` that were kept start at after+1; older ones are gone.
  out.dropped = after + 1 < out.oldest_seq;
  // Seqs are consecutive in the deque: the first one wanted is at an offset.
  std::size_t start = after < out.oldest_seq ? 0 : static_cast<std::size_t>(after + 1 - out.oldest_seq);
  for (auto i = start; i < events_.size(); ++i) {
    if (out.events.size() >= limit) {
      out.more = true;
      break;
    }
    out.events.push_back(events_[i]);
  }
  if (!out.events.empty())
    out.last_seq = out.events.back().seq;
  else if (after < out.last_seq) // limit 0: nothing read
    out.last_seq = after;
  return out;
}

} // namespace drover
