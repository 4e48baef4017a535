// Error codes to HTTP statuses and JSON error bodies (http/status.hpp).
#include "http/status.hpp"

#include <nlohmann/json.hpp>

#include "http/json_codec.hpp"

namespace drover {

int http_status(ec code) {
  switch (code) {
    case ec::none: return 200;
    case ec::unknown_task:
    case ec::unknown_job:
    case ec::unknown_member: return 404;
    case ec::bad_input: return 400;
    case ec::invalid_rules: return 422;
    case ec::stale_version:
    case ec::bad_transition:
    case ec::name_taken: return 409;
    case ec::forbidden: return 403;
    case ec::unreachable:
    case ec::no_manager: return 503;
    case ec::overloaded: return 429; // the queues are full, retry later
    case ec::store_failure:
    case ec::store_corrupt: return 500;
  }
  return 500; // a code added later and not mapped yet
}

std::string error_body(const std::string& name, const std::string& detail) {
  return dump_json({{"error", name}, {"detail", detail}});
}

std::string error_body(const error& err) {
  nlohmann::json j{{"error", to_string(err.code)}, {"detail", err.message}};
  if (err.code == ec::invalid_rules) {
    auto lines = nlohmann::json::array();
    size_t start = 0;
    while (start < err.message.size()) {
      auto end = err.message.find('\n', start);
      if (end == std::string::npos)
        end = err.message.size();
      if (end > start)
        lines.push_back(err.message.substr(start, end - start));
      start = end + 1;
    }
    j["errors"] = std::move(lines);
  }
  return dump_json(j);
}

} // namespace drover
