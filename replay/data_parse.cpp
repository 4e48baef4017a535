// Scenario parsing for multi-user data: the send_data / recv_data
// timeline entries and the data_received / user_on expectations. Users are
// the names in cluster.users; a typo is a positioned error.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/data.hpp"
#include "replay/scenario_parts.hpp"

namespace drover::replay {

namespace {

void read_user(yaml_reader& r, const field& f, const scenario& s, const char* what,
               std::string& out) {
  if (!f) {
    r.fail(YAML::Mark::null_mark(), fmt::format("'{}' needs a user", what));
    return;
  }
  auto& users = s.cluster.users;
  auto name = r.read_string(f, what);
  if (!name)
    return;
  out = *name;
  if (std::find(users.begin(), users.end(), out) == users.end())
    r.fail(f.mark(), fmt::format("'{}' is not a user of the cluster (cluster.users)", out));
}

} // namespace

void read_data_action(yaml_reader& r, const field& f, const scenario& s, action& a) {
  if (a.kind == action_kind::recv_data)
    return read_user(r, f, s, "recv_data", a.to);
  auto& n = f.value;
  if (!r.check_map(n, f.mark(), "send_data", {"from", "to", "count", "level"}))
    return;
  if (!find(n, "from") || !find(n, "to"))
    r.fail(f.mark(), "send_data needs 'from' and 'to' (user names)");
  if (auto x = find(n, "from"))
    read_user(r, x, s, "from", a.from);
  if (auto x = find(n, "to"))
    read_user(r, x, s, "to", a.to);
  if (auto v = r.read_uint(find(n, "count"), "count", 1, 1000000))
    a.count = *v;
  if (auto level = r.read_string(find(n, "level"), "level")) {
    a.level = *level;
    if (!parse_level(a.level))
      r.fail(find(n, "level").mark(), fmt::format("level '{}': use high, normal or low", a.level));
  }
}

void read_data_expectation(yaml_reader& r, const YAML::Node& n, const field& kf,
                           const scenario& s, expectation& e) {
  if (e.kind != expect_kind::user_on) {
    bool lifecycle = e.kind == expect_kind::lifecycle;
    auto key = lifecycle ? "lifecycle" : "data_received";
    if (lifecycle)
      r.check_map(n, n.Mark(), "'lifecycle' expectation",
                  {"lifecycle", "record", "count", "min", "max"});
    else
      r.check_map(n, n.Mark(), "'data_received' expectation",
                  {"data_received", "count", "min", "max"});
    read_user(r, kf, s, key, e.member);
    if (lifecycle) {
      static const std::set<std::string> kinds{"generated", "executed", "retried",
                                               "delivered", "rebound",  "consumed"};
      auto kf2 = find(n, "record");
      if (!kf2)
        return r.fail(kf.mark(), "lifecycle needs 'record' (generated, executed, retried, "
                                 "delivered, rebound or consumed)");
      auto kind = r.read_string(kf2, "record");
      if (kind && kinds.count(*kind) == 0)
        r.fail(kf2.mark(), fmt::format("record '{}': use generated, executed, retried, "
                                       "delivered, rebound or consumed", *kind));
      e.members = {kind ? *kind : std::string{}};
    }
    if (auto v = r.read_uint(find(n, "count"), "count", 0, UINT64_MAX))
      e.min = e.max = *v;
    if (auto v = r.read_uint(find(n, "min"), "min", 0, UINT64_MAX))
      e.min = *v;
    if (auto v = r.read_uint(find(n, "max"), "max", 0, UINT64_MAX))
      e.max = *v;
    return;
  }
  r.check_map(n, n.Mark(), "'user_on' expectation", {"user_on", "node"});
  read_user(r, kf, s, "user_on", e.member);
  auto nf = find(n, "node");
  if (!nf)
    return r.fail(kf.mark(), "user_on needs 'node' (a consumer)");
  auto read_node = r.read_string(nf, "node");
  std::string node = read_node ? *read_node : std::string{};
  if (read_node)
    e.members = {node};
  bool known = false;
  for (auto& c : s.cluster.consumers)
    known = known || c.name == node;
  if (!known)
    r.fail(nf.mark(), fmt::format("'{}' is not a consumer of the cluster", node));
}

} // namespace drover::replay
