// See http/insight_json.hpp.
#include "http/insight_json.hpp"

#include <cmath>

#include "http/json_codec.hpp"

namespace drover {

using nlohmann::json;

json to_json(const event_page& p) {
  json arr = json::array();
  for (auto& e : p.events)
    arr.push_back({{"seq", e.seq}, {"at_ms", e.at_ms}, {"type", to_string(e.type)},
                   {"node", e.node}, {"text", e.text}, {"count", e.count}});
  return {{"events", std::move(arr)}, {"last_seq", p.last_seq}, {"oldest_seq", p.oldest_seq},
          {"dropped", p.dropped}, {"more", p.more}, {"reset", p.reset}};
}

json to_json(const series_page& p) {
  json at = json::array(), done = json::array(), failed = json::array(),
       inflight = json::array(), acks = json::array(), p50 = json::array(),
       p99 = json::array();
  std::array<json, priority_count> depth{json::array(), json::array(), json::array()};
  auto ms = [](double v) { return v < 0 ? json(nullptr) : json(std::round(v * 1000) / 1000); };
  auto rate = [](double v) { return std::round(v * 100) / 100; };
  for (auto& pt : p.points) {
    at.push_back(pt.at_ms);
    done.push_back(rate(pt.completed_per_s));
    failed.push_back(rate(pt.failed_per_s));
    for (int i = 0; i < priority_count; ++i)
      depth[i].push_back(pt.depth[i]);
    inflight.push_back(pt.inflight);
    acks.push_back(pt.acks);
    p50.push_back(ms(pt.ack_p50_ms));
    p99.push_back(ms(pt.ack_p99_ms));
  }
  json queues = json::object();
  for (int i = 0; i < priority_count; ++i)
    queues[to_string(static_cast<priority>(i))] = std::move(depth[i]);
  return {{"since_ms", p.since_ms},       {"interval_ms", p.interval_ms},
          {"capacity", p.capacity},       {"at_ms", std::move(at)},
          {"completed_per_s", std::move(done)}, {"failed_per_s", std::move(failed)},
          {"queue_depth", std::move(queues)},   {"inflight", std::move(inflight)},
          {"acks", std::move(acks)},      {"ack_p50_ms", std::move(p50)},
          {"ack_p99_ms", std::move(p99)}};
}

json to_json(const manager_card& c) {
  return {{"node", c.node},
          {"listen", c.listen},
          {"store", c.store},
          {"version", c.version},
          {"started_ms", c.started_ms},
          {"now_ms", c.now_ms},
          {"uptime_ms", c.now_ms - c.started_ms},
          {"rules", {{"version", c.rules_version}, {"hash", c.rules_hash},
                     {"source", c.rules_source}, {"since_ms", c.rules_since_ms}}},
          {"members", {{"up", c.members_up}, {"lost", c.members_lost}, {"left", c.members_left}}},
          {"last_event", c.last_event}};
}

json to_json(const node_detail& d) {
  json roles = json::array();
  uint64_t executed = 0, failed = 0;
  for (auto& n : d.roles) {
    roles.push_back(to_json(n));
    executed += n.executed;
    failed += n.failed;
  }
  json held = json::array();
  for (auto& t : d.held)
    held.push_back({{"id", t.ext_id}, {"job_id", t.job}, {"state", to_string(t.state)},
                    {"attempt", t.attempt}, {"type", t.type}});
  return {{"node", d.node}, {"roles", std::move(roles)}, {"executed", executed},
          {"failed", failed}, {"held_total", d.held_total}, {"held", std::move(held)}};
}

} // namespace drover
