// The manager's queues on their own: queued tasks come out by priority, a
// task put back goes first, parked tasks stay out of the queues until they
// are offered again (only those still pending), cancelled ones are
// forgotten, and the retry count never goes below zero.
#include <doctest/doctest.h>

#include <optional>
#include <set>

#include "manager/task_queues.hpp"

using namespace drover;

namespace {

void park(task_queues& q, task_id id, job_id job, priority p = priority::normal) {
  q.park(id, job, p, unassignable_kind::no_type, "resize", {}, {});
}

} // namespace

TEST_SUITE("task_queues") {

TEST_CASE("queued tasks come out in order, a task put back comes out first") {
  task_queues q;
  CHECK(q.empty());
  CHECK_FALSE(q.pop());
  q.push(1, priority::normal);
  q.push(2, priority::normal);
  q.push_front(3, priority::normal);
  CHECK(q.size() == 3);
  CHECK(q.pop() == std::optional<task_id>{3});
  CHECK(q.pop() == std::optional<task_id>{1});
  CHECK(q.pop() == std::optional<task_id>{2});
  CHECK(q.empty());
}

TEST_CASE("high priority goes before low under the default weights") {
  task_queues q;
  q.push(1, priority::low);
  q.push(2, priority::high);
  CHECK(q.queued().size(priority::high) == 1);
  CHECK(q.pop() == std::optional<task_id>{2});
}

TEST_CASE("parked tasks are out of the queues until offered again, if still pending") {
  task_queues q;
  park(q, 7, 1);
  park(q, 8, 1);
  park(q, 9, 2, priority::high);
  CHECK(q.empty()); // nothing to dispatch
  CHECK(q.parked().size() == 3);
  CHECK(q.parked().count_of(1) == 2);
  CHECK(q.parked().count(priority::high) == 1);
  std::set<task_id> asked;
  q.unpark_all([&](task_id id) -> std::optional<priority> {
    asked.insert(id);
    if (id == 8)
      return std::nullopt; // finished meanwhile: not queued again
    return id == 9 ? priority::high : priority::normal;
  });
  CHECK(asked == std::set<task_id>{7, 8, 9});
  CHECK(q.parked().size() == 0);
  CHECK(q.size() == 2);
  CHECK(q.pop() == std::optional<task_id>{9});
  CHECK(q.pop() == std::optional<task_id>{7});
  CHECK_FALSE(q.pop());
}

TEST_CASE("a cancelled parked task, or a cancelled job's, is forgotten") {
  task_queues q;
  park(q, 1, 10);
  park(q, 2, 10);
  park(q, 3, 11);
  q.forget(3);
  CHECK(q.parked().count_of(11) == 0);
  q.forget_job(10);
  CHECK(q.parked().size() == 0);
  q.unpark_all([](task_id) -> std::optional<priority> { return priority::normal; });
  CHECK(q.empty());
}

TEST_CASE("retries waiting are counted up and down, never below zero") {
  task_queues q;
  q.retry_scheduled();
  q.retry_scheduled();
  CHECK(q.retry_waiting() == 2);
  q.retry_fired();
  q.retry_fired();
  q.retry_fired(); // one more than scheduled (a timer of a previous life)
  CHECK(q.retry_waiting() == 0);
  CHECK(q.empty()); // counting a retry queues nothing
}

TEST_CASE("configured bounds are what the queues report") {
  task_queues q;
  queue_limits lim;
  lim.capacity = {5, 6, 7};
  lim.standby = 3;
  q.configure(lim);
  CHECK(q.queued().limits().capacity[1] == 6);
  CHECK(q.queued().limits().standby == 3);
}

} // TEST_SUITE
