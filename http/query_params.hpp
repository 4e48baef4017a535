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

/// One page of a list: where it starts and how many entries it holds.
struct paging {
  uint64_t offset = 0;
  uint32_t limit = 100;
};

/// Reads offset (>= 0, default 0) and limit (1..1000, default 100); any
/// other key is an error unless `extra` lists it ("state, q": the caller
/// reads those).
result<paging> read_paging(const query_params& params, const char* extra = nullptr);

/// Reads state (a task state in any case, e.g. FAILED; absent: all),
/// q (a search: the task with that id, or the tasks with that key), offset
/// and limit; the query's job is left 0 (every job) for the caller to set.
result<task_query> read_task_query(const query_params& params);

} // namespace drover
