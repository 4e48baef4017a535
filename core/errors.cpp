#include "core/errors.hpp"

namespace drover {

const char* to_string(ec code) {
  switch (code) {
    case ec::none: return "none";
    case ec::stale_version: return "stale_version";
    case ec::bad_transition: return "bad_transition";
    case ec::unknown_task: return "unknown_task";
    case ec::unknown_job: return "unknown_job";
    case ec::bad_input: return "bad_input";
    case ec::invalid_rules: return "invalid_rules";
    case ec::store_failure: return "store_failure";
    case ec::store_corrupt: return "store_corrupt";
    case ec::unreachable: return "unreachable";
    case ec::no_manager: return "no_manager";
    case ec::overloaded: return "overloaded";
    case ec::unknown_member: return "unknown_member";
    case ec::forbidden: return "forbidden";
    case ec::name_taken: return "name_taken";
    case ec::fenced: return "fenced";
    case ec::not_leader: return "not_leader";
  }
  return "unknown";
}

} // namespace drover
