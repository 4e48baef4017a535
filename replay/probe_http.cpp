// See probe_http.hpp. Every call goes through cli/api_client with its
// per-request time-out, so a manager that stopped answering ends the wait.
#include "replay/probe_http.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "cli/api_client.hpp"
#include "replay/observe.hpp"

namespace drover::replay {

namespace {

using json = nlohmann::json;

error get_json(api_client& api, const std::string& path, json& out) {
  auto r = api.get(path);
  if (r.status != 200)
    return {ec::unreachable,
            fmt::format("GET {}: {}", path, reply_problem(r.status, r.body, r.err))};
  out = json::parse(r.body, nullptr, false);
  if (out.is_discarded())
    return {ec::unreachable, fmt::format("GET {}: the reply is not JSON", path)};
  return {};
}

uint64_t state_count(const std::vector<json>& jobs, const char* state) {
  uint64_t n = 0;
  for (auto& j : jobs)
    n += j.at("counts").value(state, uint64_t{0});
  return n;
}

/// One round of answers, as parsed JSON.
struct rest_view {
  std::vector<json> jobs; ///< every job of GET /v1/jobs, all pages
  json nodes;             ///< GET /v1/nodes
  json overview;          ///< GET /v1/overview
  json rules;             ///< GET /v1/rules
  json alerts;            ///< GET /v1/alerts
};

} // namespace

std::string reply_problem(int status, const std::string& body, const error& err) {
  if (status == 0)
    return err.message.empty() ? std::string{"no reply"} : err.message;
  auto j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("detail"))
    return fmt::format("{} {}", status, j["detail"].get<std::string>());
  return fmt::format("{} {}", status, body.substr(0, 200));
}

namespace {

result<rest_view> ask_rest(api_client& api) {
  rest_view out;
  // The counters first, then the jobs: the jobs are then at least as new as
  // the ACKs counted, so completed_twice never shows a false positive.
  if (auto err = get_json(api, "/v1/overview", out.overview))
    return err;
  constexpr uint64_t page = 1000;
  for (uint64_t offset = 0;; offset += page) {
    json p;
    if (auto err = get_json(api, fmt::format("/v1/jobs?offset={}&limit={}", offset, page), p))
      return err;
    for (auto& j : p["jobs"])
      out.jobs.push_back(j);
    if (offset + page >= p["total"].get<uint64_t>())
      break;
  }
  for (auto [path, dest] : {std::pair{"/v1/nodes", &out.nodes},
                            std::pair{"/v1/rules", &out.rules},
                            std::pair{"/v1/alerts", &out.alerts}})
    if (auto err = get_json(api, path, *dest))
      return err;
  return out;
}

snapshot snapshot_of_rest(const rest_view& v, const rest_extras& extras, int64_t at_ms) {
  snapshot s;
  s.at_ms = at_ms;
  auto& c = s.counters;
  auto& m = v.overview;
  c["assigned"] = m.at("assignments").get<uint64_t>();
  c["acks"] = m.at("acks").get<uint64_t>();
  c["stale"] = m.at("stale_rejected").get<uint64_t>();
  c["retries"] = m.at("retries").get<uint64_t>();
  c["reassigned"] = m.at("reassignments").get<uint64_t>();
  uint64_t pending = 0;
  for (auto& [prio, n] : m.at("queue_depth").items())
    pending += n.get<uint64_t>();
  c["pending"] = pending;
  c["alerts"] = v.alerts.at("alerts").size();
  c["cancelled"] = state_count(v.jobs, "CANCELLED");
  c["rules_version"] = v.rules.at("version").get<uint64_t>();
  uint64_t consumers = 0, producers = 0;
  for (auto& n : v.nodes.at("nodes")) {
    auto role = n.at("role").get<std::string>();
    if (n.value("released", false))
      continue; // listed for operators, but no longer a member: its grace is over
    if (role == "consumer") {
      ++consumers;
      s.consumers[n.at("node").get<std::string>()] = n.at("state").get<std::string>() == "lost";
    } else if (role == "producer") {
      ++producers;
    }
  }
  // The manager's consumers (up, or lost within the grace), as /metrics has
  // them: GET /v1/nodes also lists members gone past the grace until forgotten.
  c["consumers"] = v.overview.at("members").value("consumer", consumers);
  c["producers"] = producers;
  if (extras.timeouts) {
    c["timeouts"] = *extras.timeouts;
    c["completed_twice"] =
      completed_twice(c["acks"], c["stale"], c["retries"], *extras.timeouts,
                      state_count(v.jobs, "SUCCEEDED"), state_count(v.jobs, "FAILED"),
                      state_count(v.jobs, "TIMED_OUT"));
  }
  uint64_t done = 0, tasks = 0, open = 0;
  for (auto& j : v.jobs) {
    bool finished = j.at("finished").get<bool>();
    done += finished ? 1 : 0;
    tasks += j.at("total").get<uint64_t>();
    open += j.at("total").get<uint64_t>() - j.at("done").get<uint64_t>();
    auto& state = s.job_states[j.at("name").get<std::string>()];
    state = finished && state != "running" ? "done" : "running";
  }
  c["jobs"] = v.jobs.size();
  c["jobs_done"] = done;
  c["tasks"] = tasks;
  c["open"] = open;
  auto& r = v.rules;
  s.rules = fmt::format("{} version {} hash {}", r.at("source").get<std::string>(),
                        r.at("version").get<uint64_t>(), r.at("hash").get<std::string>());
  return s;
}

error rest_tasks(api_client& api, const std::vector<json>& jobs, uint64_t last,
                 int64_t t0_unix_ms, std::vector<task_record>& out) {
  for (uint64_t id = 1; id <= last; ++id) {
    json t;
    if (auto err = get_json(api, "/v1/tasks/" + std::to_string(id), t))
      return err;
    task_record r;
    r.id = id;
    for (auto& j : jobs)
      if (j.at("id") == t["job_id"])
        r.job = j.at("name").get<std::string>();
    r.state = t["state"].get<std::string>();
    r.consumer = t["consumer"].get<std::string>();
    for (auto& e : t["history"]) {
      if (e["event"] != "reassigned")
        continue;
      // detail is "from <node>: <why>" (manager_membership.cpp)
      auto d = e["detail"].get<std::string>();
      auto from = d.rfind("from ", 0) == 0 ? d.substr(5) : d;
      from = from.substr(0, from.find(':'));
      r.reassigned.push_back({from, e["at_ms"].get<int64_t>() - t0_unix_ms});
    }
    out.push_back(std::move(r));
  }
  return {};
}

} // namespace

result<snapshot> rest_probe::look(int64_t at_ms) {
  auto v = ask_rest(api_);
  if (!v)
    return v.err();
  auto out = snapshot_of_rest(*v, extras_, at_ms);
  jobs_ = std::move(v->jobs);
  tasks_ = out.counters["tasks"];
  return out;
}

std::vector<uint64_t> rest_probe::jobs_named(const std::string& name) const {
  std::vector<uint64_t> ids;
  for (auto& j : jobs_)
    if (j.at("name") == name)
      ids.push_back(j.at("id").get<uint64_t>());
  std::sort(ids.begin(), ids.end());
  return ids;
}

error rest_probe::tasks(int64_t t0_ms, std::vector<task_record>& out) {
  return rest_tasks(api_, jobs_, tasks_, t0_ms, out);
}

} // namespace drover::replay
