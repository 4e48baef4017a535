#include "core/membership.hpp"

namespace drover {

const char* to_string(member_role r) {
  switch (r) {
    case member_role::producer: return "producer";
    case member_role::consumer: return "consumer";
    case member_role::manager: return "manager";
    case member_role::worker: return "worker";
  }
  return "unknown";
}

} // namespace drover
