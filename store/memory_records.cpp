// See memory_records.hpp.
#include "store/memory_records.hpp"

#include "store/tag_check.hpp"

namespace drover {

bool split_task(const task& t, stored_spec& spec, stored_progress& progress) {
  spec.job = t.job;
  spec.created_ms = t.created_ms;
  spec.type = t.spec.type;
  spec.payload = t.spec.payload;
  spec.key = t.spec.key;
  spec.tags = t.spec.tags.empty() ? compact_string{} : compact_string{join_tags(t.spec.tags)};
  spec.dedupe_key = t.spec.dedupe_key;
  spec.timeout_ms = t.spec.timeout_ms;
  spec.max_attempts = t.spec.max_attempts;
  spec.prio = t.spec.prio;
  spec.state = t.state;
  progress.version = t.version;
  progress.lease_version = t.lease_version;
  progress.assigned_ms = t.assigned_ms;
  progress.started_ms = t.started_ms;
  progress.finished_ms = t.finished_ms;
  progress.consumer = t.consumer;
  progress.result = t.result;
  progress.attempt = t.attempt;
  const stored_progress none;
  return progress.version != none.version || progress.lease_version != none.lease_version
         || progress.assigned_ms != none.assigned_ms || progress.started_ms != none.started_ms
         || progress.finished_ms != none.finished_ms || !progress.consumer.empty()
         || !progress.result.empty() || progress.attempt != none.attempt;
}

task join_task(task_id id, const stored_spec& spec, const stored_progress* progress) {
  task t;
  t.id = id;
  t.job = spec.job;
  t.created_ms = spec.created_ms;
  t.spec.type = spec.type;
  t.spec.payload = spec.payload;
  t.spec.key = spec.key;
  t.spec.tags = split_tags(spec.tags);
  t.spec.dedupe_key = spec.dedupe_key;
  t.spec.timeout_ms = spec.timeout_ms;
  t.spec.max_attempts = spec.max_attempts;
  t.spec.prio = spec.prio;
  t.state = spec.state;
  if (progress != nullptr) {
    t.version = progress->version;
    t.lease_version = progress->lease_version;
    t.assigned_ms = progress->assigned_ms;
    t.started_ms = progress->started_ms;
    t.finished_ms = progress->finished_ms;
    t.consumer = progress->consumer;
    t.result = progress->result;
    t.attempt = progress->attempt;
  }
  return t;
}

} // namespace drover
