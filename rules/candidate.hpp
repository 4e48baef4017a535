// What the assigner chooses among and what it answers: one live consumer as
// the manager sees it now, and the choice for one task. Included by
// rules/assign.hpp; separate so member_view.hpp can use it too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace drover {

struct rule;

struct candidate {
  std::string node;                ///< unique node name; identifies the member
  std::vector<std::string> tags;   ///< what it offers, e.g. gpu
  uint32_t capacity = 64;          ///< its lease window: tasks it may hold at once (core/lease_window.hpp)
  uint32_t inflight = 0;           ///< tasks out at it now; the manager updates it
  bool accepting = true;           ///< false while draining / asleep
  std::vector<std::string> types;  ///< task types it runs; none: it runs nothing
};

enum class choice_status : uint8_t {
  chosen,       ///< `index` names the consumer
  busy,         ///< members fit the task, but all are at their limit or not accepting
  unassignable, ///< no live member runs the task's type, offers its tags and passes the rule's filter
};

/// Why a task is unassignable, checked in this order.
enum class unassignable_kind : uint8_t {
  none,    ///< the task is not unassignable
  no_type, ///< no member runs the task's type
  no_tags, ///< members run the type, but none of them offers every wanted tag
  rule,    ///< members run the type with the tags, but the rule's `to` filter admits none
};

struct choice {
  choice_status status = choice_status::unassignable;
  int index = -1;              ///< into the candidates, when chosen
  const rule* matched = nullptr; ///< the rule applied; nullptr: the defaults
  unassignable_kind why = unassignable_kind::none; ///< set when unassignable
};

} // namespace drover
