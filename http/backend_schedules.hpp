// The schedules feature of the REST backend (http/routes_schedules.cpp).
// The shared contract (threads, bounded waits, error codes): http/backend.hpp.
// A process without a scheduler answers ec::unreachable (503). Unknown ids
// are ec::unknown_job (404), bad input ec::bad_input (400), a taken name
// ec::bad_transition (409).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/schedule_book.hpp"
#include "http/api_types.hpp"

namespace drover {

class schedules_backend {
public:
  virtual ~schedules_backend() = default;

  /// Creates a schedule from checked input (http/schedule_json.hpp).
  virtual result<schedule_record> create_schedule(schedule_input in) = 0;
  /// Every schedule by id.
  virtual result<std::vector<schedule_record>> list_schedules() = 0;
  virtual result<schedule_record> get_schedule(uint64_t id) = 0;
  /// Starts (running) or stops a schedule; a no-op if it is so already.
  virtual result<schedule_record> set_schedule_running(uint64_t id, bool running) = 0;
  /// A new period (exactly one of every and cron), counted from now.
  virtual result<schedule_record> change_schedule(uint64_t id, std::string every,
                                                  std::string cron) = 0;
  /// Removes it; answers it as it was, stopped.
  virtual result<schedule_record> delete_schedule(uint64_t id) = 0;
};

} // namespace drover
