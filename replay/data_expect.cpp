// Judging multi-user data expectations on what a replay observed.
// Pure, like expect.cpp.
#include <map>

#include <fmt/format.h>

#include "replay/outcome.hpp"

namespace drover::replay {

namespace {

/// Every sender's items must read 1, 2, 3, ... : once each, in order.
std::string order_problem(const std::vector<std::string>& got) {
  std::map<std::string, uint64_t> next;
  for (auto& item : got) {
    auto hash = item.find('#');
    auto sender = item.substr(0, hash);
    auto k = std::stoull(item.substr(hash + 1));
    auto want = ++next[sender];
    if (k != want)
      return fmt::format("from {}: item {} where {} was due ({})", sender, k, want,
                         k < want ? "a repeat" : "a gap or overtaking");
  }
  return {};
}

} // namespace

check_result check_data(const expectation& e, const run_outcome& o) {
  if (e.kind == expect_kind::user_on) {
    auto i = o.user_nodes.find(e.member);
    auto node = i == o.user_nodes.end() ? std::string{"<unknown>"} : i->second;
    return {&e, !e.members.empty() && node == e.members[0],
            fmt::format("{} is on {}", e.member, node.empty() ? "no node" : node)};
  }
  if (e.kind == expect_kind::lifecycle) {
    auto& kind = e.members.at(0);
    uint64_t got = 0;
    if (auto u = o.data_records.find(e.member); u != o.data_records.end())
      if (auto k = u->second.find(kind); k != u->second.end())
        got = k->second;
    bool ok = (!e.min || got >= *e.min) && (!e.max || got <= *e.max);
    return {&e, ok, fmt::format("{} consumed {} items with a '{}' record", e.member, got, kind)};
  }
  uint64_t sent = 0;
  for (auto& [pair, n] : o.data_sent)
    if (pair.substr(pair.find('>') + 1) == e.member)
      sent += n;
  static const std::vector<std::string> none;
  auto i = o.data_received.find(e.member);
  auto& got = i == o.data_received.end() ? none : i->second;
  auto lo = e.min ? *e.min : sent, hi = e.max ? *e.max : sent;
  auto problem = order_problem(got);
  bool ok = problem.empty() && got.size() >= lo && got.size() <= hi;
  return {&e, ok,
          fmt::format("{} received {} of {} sent ({}){}", e.member, got.size(), sent,
                      lo == hi ? fmt::format("expected {}", lo)
                               : fmt::format("expected {}..{}", lo, hi),
                      problem.empty() ? ", each once and in order" : "; " + problem)};
}

} // namespace drover::replay
