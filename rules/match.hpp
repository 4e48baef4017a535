// Which rule applies to a task (first match wins) and which members a rule
// admits. Plain functions on strings: the assigner calls them on its slow
// path (membership or rule changes) and per task for the rule lookup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/task.hpp"
#include "rules/rule_set.hpp"

namespace drover {

/// True if every tag in `wanted` is in `offered` (duplicates allowed).
bool offers_all(const std::vector<std::string>& offered,
                const std::vector<std::string>& wanted);

/// True if `t`, a task of the job named `job_name`, meets every condition of
/// `m`: type glob, one of the priorities, wants all of m.tags, job glob.
bool matches(const rule_match& m, const task& t, std::string_view job_name);

/// The first rule of `rs` that `t` matches, or nullptr: the defaults apply.
const rule* first_match(const rule_set& rs, const task& t, std::string_view job_name);

/// True if a member named `node` offering `tags` passes filter `to`.
bool admits(const member_filter& to, const std::string& node,
            const std::vector<std::string>& tags);

} // namespace drover
