// What the manager keeps for operators (actors/manager_watch.cpp), on
// virtual time: members that are lost or left stay listed with when and
// why until forgotten, losses and moved work become alerts and events, the
// 1 s series and a job's recent rate follow what happens.
#include <doctest/doctest.h>

#include "actors/protocol_watch.hpp"
#include "support/manager_fixture.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

struct watch_fixture : manager_fixture {
  template <class T, class... Ts>
  T ask(Ts&&... xs) {
    T out{};
    auto req = self->request(mgr, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    req.receive([&](T& x) { out = std::move(x); }, [&](caf::error& e) { FAIL(sys.render(e)); });
    return out;
  }
  /// The error a request answers; fails if it answers a T.
  template <class T, class... Ts>
  caf::error ask_error(Ts&&... xs) {
    caf::error out;
    auto req = self->request(mgr, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    req.receive([&](T&) { FAIL("no error"); }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  std::vector<cluster_event> events(uint64_t after = 0) {
    return ask<event_page>(events_atom::value, after, uint32_t{1000}).events;
  }
  std::vector<cluster_event> events_of(event_type t) {
    std::vector<cluster_event> out;
    for (auto& e : events())
      if (e.type == t)
        out.push_back(e);
    return out;
  }
  std::vector<node_info> members() {
    return ask<std::vector<node_info>>(get_atom::value, members_atom::value);
  }
  const node_info* member(const std::vector<node_info>& ns, const std::string& node) {
    for (auto& n : ns)
      if (n.member.node == node && n.member.role == member_role::consumer)
        return &n;
    return nullptr;
  }
  std::vector<alert_info> alerts() {
    return ask<std::vector<alert_info>>(get_atom::value, alert_atom::value);
  }
  static member_info who(const std::string& node) {
    return member_info{node, member_role::consumer, {}, 10, "", ""};
  }
};

} // namespace

TEST_SUITE("manager_watch") {

TEST_CASE_FIXTURE(watch_fixture, "a lost consumer stays listed as lost, with since and why, past its grace") {
  auto c1 = join("c1", 10);
  join("c2", 10);
  submit(10);
  REQUIRE(c1->tasks.size() == 5);
  advance(500ms);
  auto lost_at = snap().at_ms; // the manager's clock; no time passes until the loss
  self->send(mgr, lost_atom::value, who("c1"), std::string{"missed 3 heartbeats (100 ms each)"});
  sched.run();
  advance(1s); // the grace: its 5 tasks move
  auto ns = members();
  auto* row = member(ns, "c1");
  REQUIRE(row != nullptr);
  CHECK(row->state == node_state::lost);
  CHECK(row->reason == "missed 3 heartbeats (100 ms each)");
  CHECK(row->since_ms == lost_at);
  REQUIRE(member(ns, "c2") != nullptr);
  CHECK(member(ns, "c2")->state == node_state::up);
  // The loss and the reassignment are alerts and events, with the count.
  auto lost = events_of(event_type::member_lost);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].node == "c1");
  CHECK(lost[0].text.find("missed 3 heartbeats") != std::string::npos);
  auto moved = events_of(event_type::reassigned);
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].count == 5);
  auto as = alerts();
  REQUIRE(as.size() == 2);
  CHECK(as[0].kind == "member_lost");
  CHECK(as[1].kind == "reassigned");
  CHECK(as[1].text.find("5 tasks of c1") == 0);
  // Back: up again, and the feed says so.
  join("c1", 10);
  CHECK(member(members(), "c1")->state == node_state::up);
  CHECK(member(members(), "c1")->reason.find("back after") == 0);
  CHECK(events_of(event_type::member_back).size() == 1);
}

TEST_CASE_FIXTURE(watch_fixture, "a deregistered consumer is left, an operator forgets it, not one that is up") {
  join("c1", 10);
  join("c2", 10);
  self->send(mgr, left_atom::value, who("c1"));
  sched.run();
  advance(2s);
  auto rows = members();
  auto* row = member(rows, "c1");
  REQUIRE(row != nullptr);
  CHECK(row->state == node_state::left);
  CHECK(row->reason == "deregistered");
  auto dropped = ask<std::vector<node_info>>(forget_atom::value, std::string{"c1"});
  REQUIRE(dropped.size() == 1);
  CHECK(member(members(), "c1") == nullptr);
  CHECK(events_of(event_type::member_forgotten).size() == 1);
  auto err = ask_error<std::vector<node_info>>(forget_atom::value, std::string{"c2"});
  CHECK(err.code() == static_cast<uint8_t>(ec::bad_transition));
  err = ask_error<std::vector<node_info>>(forget_atom::value, std::string{"nobody"});
  CHECK(err.code() == static_cast<uint8_t>(ec::unknown_member));
  // Left within the grace: no alert (it said goodbye), but the feed has it.
  CHECK(alerts().empty());
  CHECK(events_of(event_type::member_left).size() == 1);
}

TEST_CASE_FIXTURE(watch_fixture, "the 1 s series counts completions, failures, queues and ACK latency") {
  auto c1 = join("c1", 4);
  submit(10);
  advance(1s);
  advance(1s);
  report("c1", ok_all(*c1)); // 4 done
  advance(1s);
  auto page = ask<series_page>(series_atom::value, int64_t{0});
  REQUIRE(page.points.size() >= 2);
  auto& last = page.points.back();
  CHECK(last.completed_per_s == doctest::Approx(4));
  CHECK(last.failed_per_s == 0);
  CHECK(last.acks == 4);
  CHECK(last.ack_p50_ms > 0);
  CHECK(last.inflight == 4);              // the next 4 went out
  CHECK(last.depth[static_cast<int>(priority::normal)] == 2);
  CHECK(page.points[page.points.size() - 2].completed_per_s == 0);
  CHECK(ask<series_page>(series_atom::value, last.at_ms).points.empty());
  CHECK(page.capacity == 900);
}

TEST_CASE_FIXTURE(watch_fixture, "a failed attempt counts on its node and in the series") {
  auto c1 = join("c1", 2);
  submit(2, "fail");
  std::vector<task_report> reports;
  for (auto& a : c1->tasks)
    reports.push_back(task_report{a.id, a.lease, task_outcome::failed, "boom", 1});
  report("c1", reports);
  advance(1s);
  auto rows = members();
  auto* row = member(rows, "c1");
  REQUIRE(row != nullptr);
  CHECK(row->executed == 2);
  CHECK(row->failed == 2);
  auto page = ask<series_page>(series_atom::value, int64_t{0});
  REQUIRE_FALSE(page.points.empty());
  CHECK(page.points.back().failed_per_s == doctest::Approx(2));
}

TEST_CASE_FIXTURE(watch_fixture, "a drain command and a SIGTERM drain are mode changes with their reason") {
  join("c1", 2);
  join("c2", 2);
  auto req = self->request(mgr, caf::infinite, ncommand_atom::value, std::string{"c1"},
                           std::string{"drain"});
  sched.run();
  req.receive([](const node_command&) {}, [&](caf::error& e) { FAIL(sys.render(e)); });
  self->send(mgr, drain_atom::value, std::string{"c2"});
  sched.run();
  auto modes = events_of(event_type::mode_changed);
  REQUIRE(modes.size() == 2);
  CHECK(modes[0].text.find("drain command") != std::string::npos);
  CHECK(modes[1].text.find("SIGTERM") != std::string::npos);
  auto rows = members();
  auto* row = member(rows, "c1");
  REQUIRE(row != nullptr);
  CHECK(row->mode == node_mode::draining);
  CHECK(row->mode_reason.find("drain command") == 0);
}

TEST_CASE_FIXTURE(watch_fixture, "a rule swap, a schedule's note and a card: the feed and GET /v1/manager") {
  auto req = self->request(mgr, caf::infinite, rules_atom::value, apply_atom::value,
                           std::string{"version: 7\n"}, std::string{"<test>"});
  sched.run();
  req.receive([](rules_info&) {}, [&](caf::error& e) { FAIL(sys.render(e)); });
  auto swaps = events_of(event_type::rules_swapped);
  REQUIRE(swaps.size() == 1);
  CHECK(swaps[0].count == 7);
  self->send(mgr, note_atom::value, static_cast<uint8_t>(event_type::schedule_fired), std::string{},
             std::string{"schedule 1 (tick) fired: job 3"}, uint64_t{3});
  self->send(mgr, note_atom::value, uint8_t{200}, std::string{}, std::string{"junk"}, uint64_t{0});
  sched.run();
  auto fired = events_of(event_type::schedule_fired);
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].count == 3);
  // Polling after the last seq seen returns nothing new, without gaps.
  auto all = ask<event_page>(events_atom::value, uint64_t{0}, uint32_t{1000});
  CHECK(ask<event_page>(events_atom::value, all.last_seq, uint32_t{10}).events.empty());
  advance(5s);
  auto card = ask<manager_card>(card_atom::value);
  CHECK(card.node == "m");
  CHECK(card.rules_version == 7);
  CHECK(card.now_ms - card.started_ms == 5000);
  CHECK(card.last_event == all.last_seq);
}

TEST_CASE_FIXTURE(watch_fixture, "a job's recent rate follows the last 30 s, a node's page lists what it holds") {
  auto c1 = join("c1", 5);
  auto ack = submit(200);
  for (int s = 0; s < 55; ++s) { // 5 tasks a second for 20 s, then 1 a second for 35 s
    advance(1s);
    auto n = s < 20 ? 5u : 1u;
    std::vector<task_report> reports;
    for (auto& a : c1->tasks)
      if (reports.size() < n)
        reports.push_back(task_report{a.id, a.lease, task_outcome::succeeded, "ok", 1});
    c1->tasks.erase(c1->tasks.begin(), c1->tasks.begin() + static_cast<long>(reports.size()));
    report("c1", reports);
  }
  advance(1s);
  auto info = ask<job_info>(get_atom::value, job_atom::value, ack.job);
  CHECK(info.recent_rate == doctest::Approx(1.0).epsilon(0.15));
  auto d = ask<node_detail>(get_atom::value, members_atom::value, std::string{"c1"});
  CHECK(d.held_total == 5);
  REQUIRE(d.held.size() == 5);
  CHECK(d.held[0].job == ack.job);
  REQUIRE(d.roles.size() == 1);
  CHECK(d.roles[0].executed == 135);
  auto err = ask_error<node_detail>(get_atom::value, members_atom::value, std::string{"zz"});
  CHECK(err.code() == static_cast<uint8_t>(ec::unknown_member));
}

}
