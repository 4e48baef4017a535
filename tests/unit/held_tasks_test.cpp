// Held tasks on their own: a merge task is held per job until released or
// dropped, and looked at only while its parts are not being read; a task
// with a running leader's dedupe_key follows it, ends with it, or leads
// when the leader is cancelled; a recovered leased task leads again.
#include <doctest/doctest.h>

#include "core/job_split.hpp"
#include "manager/held_tasks.hpp"

using namespace drover;

namespace {

task make(task_id id, job_id job, std::string dedupe_key = {}) {
  task t;
  t.id = id;
  t.job = job;
  t.spec.type = "noop";
  t.spec.dedupe_key = dedupe_key;
  return t;
}

} // namespace

TEST_SUITE("held_tasks") {

TEST_CASE("a task without a dedupe_key runs") {
  held_tasks h;
  CHECK(h.take(make(1, 1)) == held_tasks::intake::run);
  CHECK(h.followers() == 0);
  CHECK(h.merges() == 0);
}

TEST_CASE("a job's merge task is held until dropped, and hidden while its parts are read") {
  held_tasks h;
  CHECK(h.take(make(5, 2, merge_marker)) == held_tasks::intake::merge);
  CHECK(h.merge_held(2));
  CHECK_FALSE(h.merge_held(3));
  CHECK(h.merges() == 1);
  CHECK(h.merge_to_check(2) == 5);
  CHECK(h.merge_to_check(3) == 0);
  h.reading_parts(2);
  CHECK(h.merge_to_check(2) == 0); // one read at a time
  CHECK(h.merge_held(2));
  h.reading_parts(3);              // no merge: nothing happens
  CHECK(h.merges() == 1);
  h.drop_merge(2);
  CHECK_FALSE(h.merge_held(2));
  CHECK(h.merges() == 0);
}

TEST_CASE("tasks with a running leader's key follow it and end with it") {
  held_tasks h;
  CHECK(h.take(make(1, 1, "k")) == held_tasks::intake::run);
  CHECK(h.take(make(2, 2, "k")) == held_tasks::intake::follower);
  CHECK(h.take(make(3, 3, "k")) == held_tasks::intake::follower);
  CHECK(h.take(make(4, 3, "other")) == held_tasks::intake::run);
  CHECK(h.followers() == 2);
  CHECK(h.finish(1) == std::vector<task_id>{2, 3});
  CHECK(h.followers() == 0);
  CHECK(h.take(make(5, 4, "k")) == held_tasks::intake::run); // the key is free again
}

TEST_CASE("a cancelled leader hands over to its oldest follower, a cancelled follower just leaves") {
  held_tasks h;
  CHECK(h.take(make(1, 1, "k")) == held_tasks::intake::run);
  CHECK(h.take(make(2, 1, "k")) == held_tasks::intake::follower);
  CHECK(h.take(make(3, 1, "k")) == held_tasks::intake::follower);
  CHECK(h.drop(3) == 0);  // a follower cancelled
  CHECK(h.drop(1) == 2);  // the leader cancelled: 2 runs instead
  CHECK(h.followers() == 0);
  CHECK(h.finish(2).empty());
}

TEST_CASE("a recovered leased task leads its key again") {
  held_tasks h;
  h.lead(make(9, 1, "k"));
  CHECK(h.take(make(10, 2, "k")) == held_tasks::intake::follower);
  CHECK(h.finish(9) == std::vector<task_id>{10});
}

} // TEST_SUITE
