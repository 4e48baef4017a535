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
  uint32_t capacity = 64;          ///< the consumer's announced credit
  uint32_t inflight = 0;           ///< tasks out at it now; the manager updates it
  bool accepting = true;           ///< false while draining / asleep
};

enum class choice_status : uint8_t {
  chosen,       ///< `index` names the consumer
  busy,         ///< members fit the task, but all are at their limit or not accepting
  unassignable, ///< no live member offers the task's tags and passes the rule's filter
};

struct choice {
  choice_status status = choice_status::unassignable;
  int index = -1;              ///< into the candidates, when chosen
  const rule* matched = nullptr; ///< the rule applied; nullptr: the defaults
};

} // namespace drover
