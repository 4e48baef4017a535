// What a manager leases to a consumer, one task at a time; batches of them
// cross the wire packed (core/wire_codec.hpp). Plain data, no CAF.
#pragma once

#include <cstdint>
#include <string>

#include "core/task.hpp"

namespace drover {

/// One task leased to a consumer; `lease` is the version ACKs must name.
struct assignment {
  task_id id = 0;
  uint64_t lease = 0;
  uint32_t attempt = 1;
  uint32_t timeout_ms = 0;
  std::string type;
  std::string payload;
};

} // namespace drover
