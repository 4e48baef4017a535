// Plain data of what operators look back on (http/backend_insight.hpp): the
// events feed, the time series, the manager's own card and one node's page.
// No CAF and no JSON, like http/api_types.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/event_log.hpp"
#include "core/series.hpp"
#include "http/api_types.hpp"

namespace drover {

/// GET /v1/series: the points after since_ms, oldest first.
struct series_page {
  int64_t since_ms = 0;
  int64_t interval_ms = 1000;
  uint64_t capacity = 0;           ///< points kept at most (15 minutes)
  std::vector<series_point> points;
};

/// GET /v1/manager: who answers and since when.
struct manager_card {
  std::string node;                ///< the manager's node name (task ids start with it)
  std::string listen;              ///< where its registry listens for members
  std::string store;               ///< the store it runs on ("memory" or a file)
  std::string version;             ///< drover's version
  int64_t started_ms = 0;          ///< unix ms
  int64_t now_ms = 0;              ///< its clock when it answered
  uint64_t rules_version = 0;
  std::string rules_hash;
  std::string rules_source;
  int64_t rules_since_ms = 0;
  uint64_t members_up = 0;         ///< roster entries up, lost and left
  uint64_t members_lost = 0;
  uint64_t members_left = 0;
  uint64_t last_event = 0;         ///< the newest event's seq
};

/// A task a member holds now (leased to it, not finished).
struct held_task {
  task_id id = 0;
  std::string ext_id;              ///< external id; filled by the backend
  job_id job = 0;
  int64_t created_ms = 0;
  task_state state = task_state::assigned;
  uint32_t attempt = 1;
  std::string type;
};

/// GET /v1/nodes/{id}: every role of the node, what it runs now.
struct node_detail {
  std::string node;
  std::vector<node_info> roles;    ///< one per role the node has (or had)
  std::vector<held_task> held;     ///< the first held_limit, by id
  uint64_t held_total = 0;
  static constexpr std::size_t held_limit = 200;
};

} // namespace drover
