// The REST answers that are the manager's snapshot (core/manager_snapshot.hpp)
// in another shape: a job's figures (GET /v1/jobs, /v1/jobs/{id}) and the
// gauges and counters of GET /metrics and /v1/overview. Each number is
// computed once, in the snapshot; these only copy it over, so the REST
// answers, replay and the tests cannot disagree. Pure.
#pragma once

#include "core/manager_snapshot.hpp"
#include "http/api_types.hpp"

namespace drover {

/// The job's figures as GET /v1/jobs shows them. Left for the manager to
/// add: unassignable and waiting (who could take its tasks), push (is its
/// producer alive) and merge_state (where its merge task is).
job_info job_info_of(const job_view& v);

/// GET /metrics from the snapshot. Left for the manager to add: the ACK
/// latency histogram, the waiting groups and the nodes with their reports.
metrics_snapshot metrics_of(const manager_snapshot& s);

} // namespace drover
