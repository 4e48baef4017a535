// What happened in the cluster, newest last: members joining, lost and
// back, work reassigned, rule swaps, schedule fires, alerts, producer
// takeovers, store errors. The manager keeps the last `capacity` in memory;
// every event gets the next sequence number, so a client that asks for the
// events after the last one it saw polls without gaps, and learns when
// older ones were dropped before it read them. Pure, time passed in.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace drover {

enum class event_type : uint8_t {
  member_joined,
  member_lost,
  member_back,
  member_left,
  member_forgotten,
  mode_changed,    ///< a consumer drains, sleeps or wakes
  reassigned,      ///< tasks of a member went back to PENDING (count)
  rules_swapped,   ///< count: the new set's version
  schedule_fired,  ///< count: the job it submitted (0: the submission failed)
  alert,           ///< a supervisor gave up on a role
  producer_takeover,
  store_error,
  admin_refused,   ///< an administrative order without the token or from outside
};
constexpr int event_type_count = 13;
const char* to_string(event_type t);

struct cluster_event {
  uint64_t seq = 0;      ///< 1, 2, ...: one more per event, never reused
  int64_t at_ms = 0;     ///< unix ms on the manager's clock
  event_type type = event_type::member_joined;
  std::string node;      ///< the member it is about; empty for none
  std::string text;      ///< what happened, in words
  uint64_t count = 0;    ///< tasks moved, rules version, job id; 0 if none
};

/// The answer to "events after seq S".
struct event_page {
  std::vector<cluster_event> events; ///< oldest first
  uint64_t last_seq = 0;     ///< the newest event's seq (0: none yet): ask after it next
  uint64_t oldest_seq = 0;   ///< the oldest event still kept (0: none)
  bool dropped = false;      ///< events after S were dropped before this read
  bool more = false;         ///< the limit cut the answer: ask again after the last one
  bool reset = false;        ///< S is past the newest event (the manager restarted and
                             ///< numbers from 1 again): the answer starts at the oldest kept
};

class event_log {
public:
  explicit event_log(std::size_t capacity = 1000) : capacity_(capacity ? capacity : 1) {}

  /// Appends an event stamped `now_ms`; returns its seq.
  uint64_t add(event_type type, std::string node, std::string text, int64_t now_ms,
               uint64_t count = 0);
  /// Events with seq > `after`, oldest first, at most `limit`.
  event_page after(uint64_t after, std::size_t limit) const;
  std::size_t size() const { return events_.size(); }
  uint64_t last_seq() const { return next_seq_ - 1; }

private:
  std::size_t capacity_;
  std::deque<cluster_event> events_;
  uint64_t next_seq_ = 1;
};

} // namespace drover
