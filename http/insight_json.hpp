// JSON of the insight endpoints (http/routes_insight.cpp): events, the
// columnar time series, the manager's card and one node's page.
#pragma once

#include <nlohmann/json.hpp>

#include "http/insight_types.hpp"

namespace drover {

/// {events: [{seq, at_ms, type, node, text, count}], last_seq, oldest_seq,
/// dropped, more, reset}.
nlohmann::json to_json(const event_page& p);
/// {since_ms, interval_ms, capacity, at_ms: [...], completed_per_s: [...],
/// failed_per_s, queue_depth: {high, normal, low}, inflight, acks,
/// ack_p50_ms, ack_p99_ms (null for a second without ACKs)}: one array per
/// column, index i of each is the same second.
nlohmann::json to_json(const series_page& p);
nlohmann::json to_json(const manager_card& c);
nlohmann::json to_json(const node_detail& d);

} // namespace drover
