// The REST answers built from the manager's snapshot: every number of a job
// and of /metrics is the snapshot's own, carried over unchanged (distinct
// values, so a field copied into the wrong place shows).
#include <doctest/doctest.h>

#include "http/snapshot_answers.hpp"

using namespace drover;

TEST_SUITE("snapshot_answers") {

TEST_CASE("a job's answer carries the snapshot's view of it") {
  job_view v;
  v.id = 7;
  v.name = "resize";
  v.origin = "g/resize/run-1";
  v.group = "g";
  v.producer = "p1";
  v.pushed_ms = 1500;
  v.total = 10;
  v.sealed = true;
  v.cancelled = true;
  v.by_state = {1, 2, 3, 4, 0, 0, 0};
  v.merge_task = 11;
  v.created_ms = 1000;
  v.started_ms = 1100;
  v.finished_ms = 1900;
  auto j = job_info_of(v);
  CHECK(j.id == 7);
  CHECK(j.name == "resize");
  CHECK(j.origin == "g/resize/run-1");
  CHECK(j.group == "g");
  CHECK(j.producer == "p1");
  CHECK(j.pushed_ms == 1500);
  CHECK(j.total == 10);
  CHECK(j.sealed);
  CHECK(j.cancelled);
  CHECK(j.by_state == v.by_state);
  CHECK(j.merge_task == 11);
  CHECK(j.created_ms == 1000);
  CHECK(j.started_ms == 1100);
  CHECK(j.finished_ms == 1900);
  // What only the manager's parts know is left for it to fill.
  CHECK(j.unassignable == 0);
  CHECK(j.waiting.empty());
  CHECK(j.push.empty());
  CHECK(j.merge_state.empty());
}

TEST_CASE("/metrics carries the snapshot's counters, queues and members") {
  manager_snapshot s;
  s.tasks_by_state = {5, 6, 7, 8, 9, 10, 11};
  s.stats.assigned = 21;
  s.stats.acks = 22;
  s.stats.stale = 23;
  s.stats.retries = 24;
  s.stats.reassigned = 25;
  s.stats.timeouts = 26;
  s.stats.cancelled = 27;
  s.stats.alerts = 28;
  s.queues.depth = {31, 32, 33};
  s.queues.standby = {34, 35, 36};
  s.queues.capacity = {41, 42, 43};
  s.queues.rejected = {44, 45, 46};
  s.queues.standby_capacity = 47;
  s.queues.rejected_lists = 48;
  s.queues.retry_waiting = 49;
  s.dedupe_followers = 51;
  s.merges_waiting = 52;
  s.status_reports = 53;
  s.commands = {54, 55, 56, 57};
  s.policy_sleeps = 58;
  s.policy_wakes = 59;
  s.consumers["c1"] = consumer_view{};
  s.consumers["c2"] = consumer_view{};
  s.consumers["c3"] = consumer_view{};
  s.producers["p1"] = producer_view{};
  auto m = metrics_of(s);
  CHECK(m.tasks_by_state == s.tasks_by_state);
  CHECK(m.assignments == 21);
  CHECK(m.acks == 22);
  CHECK(m.stale_rejected == 23);
  CHECK(m.retries == 24);
  CHECK(m.reassignments == 25);
  CHECK(m.timeouts == 26);
  CHECK(m.cancelled == 27);
  CHECK(m.alerts == 28);
  CHECK(m.queue_depth == s.queues.depth);
  CHECK(m.standby_depth == s.queues.standby);
  CHECK(m.queue_capacity == s.queues.capacity);
  CHECK(m.rejected == s.queues.rejected);
  CHECK(m.standby_capacity == 47);
  CHECK(m.rejected_lists == 48);
  CHECK(m.retry_queue == 49);
  CHECK(m.dedupe_followers == 51);
  CHECK(m.merges_waiting == 52);
  CHECK(m.status_reports == 53);
  CHECK(m.commands == s.commands);
  CHECK(m.policy_sleeps == 58);
  CHECK(m.policy_wakes == 59);
  CHECK(m.members_by_role[static_cast<int>(member_role::consumer)] == 3);
  CHECK(m.members_by_role[static_cast<int>(member_role::producer)] == 1);
  CHECK(m.members_by_role[static_cast<int>(member_role::manager)] == 1);
  // The manager adds these itself: they are not in the snapshot.
  CHECK(m.ack_latency.count == 0);
  CHECK(m.waiting.empty());
  CHECK(m.nodes.empty());
}

} // TEST_SUITE
