// GET /metrics: a metrics_snapshot in the Prometheus text exposition format
// (version 0.0.4), every family with # HELP and # TYPE lines.
#pragma once

#include <string>

#include "http/api_types.hpp"

namespace drover {

/// The Content-Type Prometheus expects for this format.
constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// Families: drover_tasks{state}, drover_queue_depth{priority},
/// drover_retry_queue_depth, drover_assignments_total, drover_acks_total,
/// drover_stale_updates_rejected_total, drover_retries_total,
/// drover_reassignments_total, drover_ack_latency_seconds (histogram),
/// drover_members{role}.
std::string write_metrics(const metrics_snapshot& m);

} // namespace drover
