// See job_body.hpp.
#include "replay/job_body.hpp"

#include <nlohmann/json.hpp>

namespace drover::replay {

std::string job_body(const job_def& j) {
  using json = nlohmann::json;
  json task{{"type", j.type},          {"payload", j.payload},
            {"priority", j.priority},  {"max_attempts", j.max_attempts},
            {"timeout_ms", j.timeout_ms}, {"tags", j.tags},
            {"count", j.tasks}};
  json body{{"name", j.name}, {"tasks", json::array({task})}};
  return body.dump();
}

} // namespace drover::replay
