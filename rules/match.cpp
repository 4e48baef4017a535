// Rule matching and member filters; see match.hpp.
#include "rules/match.hpp"

#include <algorithm>

namespace drover {

bool offers_all(const std::vector<std::string>& offered,
                const std::vector<std::string>& wanted) {
  // Tag lists are a handful of short strings: a linear scan beats a set.
  for (const auto& w : wanted)
    if (std::find(offered.begin(), offered.end(), w) == offered.end())
      return false;
  return true;
}

bool matches(const rule_match& m, const task& t, std::string_view job_name) {
  // Cheapest test first: the priority bit, then the globs.
  return (m.priorities & (1u << static_cast<int>(t.spec.prio))) != 0
         && m.type.matches(t.spec.type) && m.job.matches(job_name)
         && offers_all(t.spec.tags, m.tags);
}

const rule* first_match(const rule_set& rs, const task& t, std::string_view job_name) {
  for (const auto& r : rs.rules)
    if (matches(r.match, t, job_name))
      return &r;
  return nullptr;
}

bool admits(const member_filter& to, const std::string& node,
            const std::vector<std::string>& tags) {
  if (!to.nodes.empty()
      && std::find(to.nodes.begin(), to.nodes.end(), node) == to.nodes.end())
    return false;
  return offers_all(tags, to.tags);
}

} // namespace drover
