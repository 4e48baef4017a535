// See memory_records.hpp.
#include "store/memory_records.hpp"

#include "store/tag_check.hpp"

namespace drover {

void store_spec(const task& t, stored_spec& into) {
  into.job = t.job;
  into.created_ms = t.created_ms;
  into.type = t.spec.type;
  into.payload = t.spec.payload;
  into.key = t.spec.key;
  if (!t.spec.tags.empty())
    into.tags = join_tags(t.spec.tags);
  into.dedupe_key = t.spec.dedupe_key;
  into.timeout_ms = t.spec.timeout_ms;
  into.max_attempts = t.spec.max_attempts;
  into.prio = t.spec.prio;
  into.state = t.state;
}

void store_progress(const task& t, stored_progress& into) {
  into.version = t.version;
  into.lease_version = t.lease_version;
  into.assigned_ms = t.assigned_ms;
  into.started_ms = t.started_ms;
  into.finished_ms = t.finished_ms;
  into.consumer = t.consumer;
  into.result = t.result;
  into.attempt = t.attempt;
}

bool has_progress(const task& t) {
  const stored_progress none;
  return t.version != none.version || t.lease_version != none.lease_version
         || t.assigned_ms != none.assigned_ms || t.started_ms != none.started_ms
         || t.finished_ms != none.finished_ms || !t.consumer.empty() || !t.result.empty()
         || t.attempt != none.attempt;
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
