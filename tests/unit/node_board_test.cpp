// The manager's node records (core/node_board.hpp) and the sleep/wake
// policy (core/idle_policy.hpp): pure, time passed in.
#include <doctest/doctest.h>

#include "core/idle_policy.hpp"
#include "core/node_board.hpp"

using namespace drover;

namespace {

node_status report_of(const std::string& node, std::vector<command_update> ups = {},
                      bool fresh = false) {
  node_status s;
  s.node = node;
  s.cpu_pct = 12.5;
  s.fresh = fresh;
  s.commands = std::move(ups);
  return s;
}

} // namespace

TEST_SUITE("node_board") {

TEST_CASE("a queued command goes out with the next report, once, and its update lands") {
  node_board b;
  auto c = b.queue("c1", command_kind::drain, "rest", 100);
  CHECK(c.id == 1);
  CHECK(c.state == command_state::queued);
  auto out = b.on_report(report_of("c1"), 200);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == command_kind::drain);
  CHECK(out[0].sent_ms == 200);
  CHECK(b.on_report(report_of("c1"), 300).empty()); // not handed out twice
  b.on_report(report_of("c1", {{c.id, command_state::done, "ok"}}), 400);
  auto cs = b.commands("c1");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].state == command_state::done);
  CHECK(cs[0].reason == "ok");
  CHECK(cs[0].finished_ms == 400);
  // a late, contradicting update does not reopen a finished command
  b.on_report(report_of("c1", {{c.id, command_state::failed, "late"}}), 500);
  CHECK(b.commands("c1")[0].state == command_state::done);
}

TEST_CASE("a report that may not take commands (a producer's) leaves them queued") {
  node_board b;
  b.queue("n1", command_kind::drain, "rest", 0);
  CHECK(b.on_report(report_of("n1"), 10, false).empty());
  CHECK(b.commands("n1")[0].sent_ms == 0);
  CHECK(b.latest("n1") != nullptr);
  CHECK(b.on_report(report_of("n1"), 20).size() == 1);
}

TEST_CASE("a fresh report completes a restart the node was running") {
  node_board b;
  auto c = b.queue("c1", command_kind::restart, "rest", 0);
  b.on_report(report_of("c1"), 10);
  b.on_report(report_of("c1", {{c.id, command_state::running, "restarting"}}), 20);
  CHECK(b.commands("c1")[0].state == command_state::running);
  b.on_report(report_of("c1", {}, true), 30);
  CHECK(b.commands("c1")[0].state == command_state::done);
  CHECK(b.commands("c1")[0].reason == "restarted");
}

TEST_CASE("history keeps the last 150 reports, stamped on arrival, filtered by since") {
  node_board b;
  for (int i = 1; i <= 200; ++i)
    b.on_report(report_of("c1"), i * 1000);
  auto all = b.history("c1", 0);
  REQUIRE(all.size() == node_board::history_limit);
  CHECK(all.front().at_ms == 51000);
  CHECK(all.back().at_ms == 200000);
  CHECK(b.history("c1", 198000).size() == 2);
  REQUIRE(b.latest("c1") != nullptr);
  CHECK(b.latest("c1")->cpu_pct == doctest::Approx(12.5));
  CHECK(b.latest("c2") == nullptr);
  CHECK(b.reports() == 200);
}

TEST_CASE("command counts by state cover every node") {
  node_board b;
  b.queue("c1", command_kind::sleep, "policy", 0);
  b.queue("c2", command_kind::wake, "policy", 0);
  auto counts = b.command_counts();
  CHECK(counts[static_cast<int>(command_state::queued)] == 2);
  CHECK(b.knows("c1"));
  CHECK_FALSE(b.knows("c9"));
}

}

TEST_SUITE("idle_policy") {

TEST_CASE("idleness counts from the first idle look and resets on work") {
  int64_t since = -1;
  CHECK_FALSE(idle_long_enough(true, 1000, 3000, since));
  CHECK(since == 1000);
  CHECK_FALSE(idle_long_enough(true, 3999, 3000, since));
  CHECK(idle_long_enough(true, 4000, 3000, since));
  CHECK_FALSE(idle_long_enough(false, 4500, 3000, since));
  CHECK(since == -1);
  CHECK_FALSE(idle_long_enough(true, 9999, 0, since)); // 0: policy off
}

TEST_CASE("an idle cluster sleeps all but the fastest min_awake consumers") {
  std::vector<policy_member> ms{{"c1", node_mode::awake, 0, false, 5.0},
                                {"c2", node_mode::awake, 0, false, 1.0},
                                {"c3", node_mode::awake, 0, false, -1},
                                {"c4", node_mode::draining, 0, false, 0.5},
                                {"c5", node_mode::awake, 0, true, 0.1}};
  idle_policy p{1000, 1, 64};
  CHECK(to_sleep(ms, p, false).empty());
  CHECK(to_sleep(ms, p, true) == std::vector<std::string>{"c1", "c3"}); // c2 stays
  p.min_awake = 0;
  CHECK(to_sleep(ms, p, true) == std::vector<std::string>{"c2", "c1", "c3"});
}

TEST_CASE("backlog per awake consumer past the threshold wakes sleepers fastest first") {
  std::vector<policy_member> ms{{"c1", node_mode::awake, 4, false, 2.0},
                                {"c2", node_mode::asleep, 0, false, 9.0},
                                {"c3", node_mode::asleep, 0, false, 1.0},
                                {"c4", node_mode::asleep, 0, false, -1}};
  idle_policy p{1000, 1, 10};
  CHECK(to_wake(ms, 0, p).empty());
  CHECK(to_wake(ms, 10, p).empty());                                  // 10 per awake: at the limit
  CHECK(to_wake(ms, 11, p) == std::vector<std::string>{"c3"});        // 11 > 10: one more
  CHECK(to_wake(ms, 35, p) == std::vector<std::string>{"c3", "c2", "c4"});
}

TEST_CASE("pending work with no awake consumer holding any wakes one") {
  std::vector<policy_member> ms{{"c1", node_mode::asleep, 0, false, 3.0},
                                {"c2", node_mode::asleep, 0, false, 2.0}};
  idle_policy p{1000, 0, 64};
  CHECK(to_wake(ms, 1, p) == std::vector<std::string>{"c2"});
}

}
