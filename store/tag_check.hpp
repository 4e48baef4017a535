// A check both stores run before storing tasks, so that memory_store refuses
// exactly what sqlite_store cannot store (its tags column is comma-joined).
#pragma once

#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/task.hpp"

namespace drover {

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
