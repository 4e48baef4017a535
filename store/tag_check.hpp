// How the stores keep a task's tags: comma-joined in one text (readable in
// the sqlite3 shell, one word in memory_store's record), and the check every
// store runs before storing tasks, so that all refuse the same tags.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/task.hpp"

namespace drover {

// Tags are identifiers, so a comma-joined text keeps them apart; put_tasks
// refuses a tag with a comma (tags_are_storable).
inline std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty())
      out += ',';
    out += t;
  }
  return out;
}

inline std::vector<std::string> split_tags(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
  }
  return out;
}

/// ec::bad_input naming the first task with a tag that contains a comma.
inline error tags_are_storable(const std::vector<task>& tasks) {
  for (const auto& t : tasks)
    for (const auto& tag : t.spec.tags)
      if (tag.find(',') != std::string::npos)
        return {ec::bad_input, "tag '" + tag + "' of task " + std::to_string(t.id)
                                 + " contains a comma; tags are identifiers"};
  return {};
}

} // namespace drover
