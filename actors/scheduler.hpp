// The scheduler: recurring jobs in the manager process.
// Keeps a schedule_book (core/schedule_book.hpp), fires each running
// schedule on a CAF timer and submits every run to the manager as a normal
// job, the way POST /v1/jobs does, so each run has progress at
// GET /v1/jobs/{id}. Records are saved to a schedule_store on every change
// and run; on start it loads them and applies each one's catch_up policy
// to the runs missed while it was down. Messages: actors/protocol_schedules.hpp.
#pragma once

#include <chrono>
#include <memory>

#include <caf/fwd.hpp>
#include <caf/actor.hpp>

#include "store/schedule_store.hpp"

namespace drover {

struct scheduler_options {
  caf::actor manager;                         ///< receives (submit, task_list)
  std::shared_ptr<schedule_store> store;      ///< required
  int64_t wall_offset_ms = 0;                 ///< unix ms = actor clock ms + this
  std::chrono::milliseconds submit_timeout{120000};
};

caf::actor spawn_scheduler(caf::actor_system& sys, scheduler_options opts);

} // namespace drover
