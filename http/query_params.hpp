// Query strings of the list endpoints: ?offset=&limit= (GET /v1/jobs) and
// ?state=&offset=&limit= (GET /v1/jobs/{id}/tasks). Pure: a bad value comes
// back as ec::bad_input naming the parameter and what it takes.
#pragma once

#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "http/message.hpp"
#include "store/task_store.hpp"

namespace drover {

/// Reads offset (>= 0) and limit (1..1000, default 100); any other key is
/// an error unless `extra` lists it ("state, q": the caller reads those).
error read_paging(const query_params& params, uint64_t& offset, uint32_t& limit,
                  const char* extra = nullptr);

/// Reads state (a task state in any case, e.g. FAILED; absent: all),
/// q (a search: the task with that id, or the tasks with that key), offset
/// and limit into `q` (q.job is the caller's).
error read_task_query(const query_params& params, task_query& q);

} // namespace drover
