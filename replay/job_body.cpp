// See job_body.hpp.
#include "replay/job_body.hpp"

#include <nlohmann/json.hpp>

namespace drover::replay {

std::string job_body(const job_def& j) {
  using json = nlohmann::json;
  const auto& s = j.spec;
  json task{{"type", s.type.str()},         {"payload", s.payload.str()},
            {"priority", to_string(s.prio)}, {"max_attempts", s.max_attempts},
            {"timeout_ms", s.timeout_ms},    {"tags", s.tags},
            {"count", j.tasks}};
  json body{{"name", j.name}, {"tasks", json::array({task})}};
  return body.dump();
}

} // namespace drover::replay
