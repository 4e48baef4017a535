// What memory_store keeps per task, in two parts, because it holds a second
// copy of every queued task next to the manager's (W5: bytes per queued
// task). The part put_tasks fixes (stored_spec, with the state) is a third
// of a task's size; what an attempt changes (stored_progress) exists only
// once a change reached the task, so a queued task never costs it.
#pragma once

#include <cstdint>

#include "core/compact_string.hpp"
#include "core/task.hpp"

namespace drover {

/// A task as it was stored, and its state.
struct stored_spec {
  job_id job = 0;
  int64_t created_ms = 0;
  compact_string type;
  compact_string payload;
  compact_string key;
  compact_string tags; ///< comma-joined (store/tag_check.hpp)
  compact_string dedupe_key;
  uint32_t timeout_ms = 0;
  uint32_t max_attempts = 1;
  priority prio = priority::normal;
  task_state state = task_state::pending;
};

/// The columns a task_change rewrites, but the state; all defaults for a
/// task as a producer hands it over.
struct stored_progress {
  uint64_t version = 0;
  uint64_t lease_version = 0;
  int64_t assigned_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  compact_string consumer;
  compact_string result;
  uint32_t attempt = 1;
};

static_assert(sizeof(stored_spec) <= 72, "a queued task's record in memory_store (W5)");

/// The parts of `t`, written into entries in place (no temporaries: this is
/// on the path of every stored task).
void store_spec(const task& t, stored_spec& into);
void store_progress(const task& t, stored_progress& into);
/// Whether any field of `t` that stored_progress keeps differs from its
/// default: only then need the progress part be kept.
bool has_progress(const task& t);
/// The task `id` whose parts these are; `progress` nullptr: all defaults.
task join_task(task_id id, const stored_spec& spec, const stored_progress* progress);

} // namespace drover
