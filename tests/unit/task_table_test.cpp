// The manager's task table on its own: a job's counts per state follow its
// tasks through every edit, a terminal task leaves memory with its count
// kept, runs are found by origin, and recovery restores what the store kept.
#include <doctest/doctest.h>

#include "core/task_state.hpp"
#include "manager/task_table.hpp"

using namespace drover;

namespace {

/// Opens job `origin` (sealed, `n` tasks) and stores one list of `n` tasks.
job_id store_job(task_table& tt, const std::string& origin, uint32_t n, bool sealed = true) {
  auto [j, is_new] = tt.open_job(origin);
  REQUIRE(is_new);
  j->meta.total = n;
  j->meta.sealed = sealed;
  auto first = tt.take_ids(n);
  std::vector<task> tasks(n);
  for (uint32_t i = 0; i < n; ++i) {
    tasks[i].id = first + i;
    tasks[i].job = j->meta.id;
    tasks[i].spec.type = "noop";
  }
  tt.add_list(stored_list{j->meta.id, 0, first, n}, tasks);
  return j->meta.id;
}

uint64_t sum(const job_record& j) {
  uint64_t n = 0;
  for (auto c : j.by_state)
    n += c;
  return n;
}

} // namespace

TEST_SUITE("task_table") {

TEST_CASE("a stored list's tasks are live and counted pending in their job") {
  task_table tt;
  auto id = store_job(tt, "a", 5);
  REQUIRE(tt.job(id) != nullptr);
  CHECK(tt.job(id)->count(task_state::pending) == 5);
  CHECK(tt.size() == 5);
  CHECK(tt.next_task() == 6);
  CHECK(tt.list(id, 0) != nullptr);
  CHECK(tt.list(id, 1) == nullptr);
  CHECK(tt.has_lists(id));
  CHECK(tt.list_seqs(id) == std::vector<uint32_t>{0});
  CHECK(tt.list_task_ids(id) == std::vector<task_id>{1, 2, 3, 4, 5});
}

TEST_CASE("every edit moves its job's count, the total never changes") {
  task_table tt;
  auto id = store_job(tt, "a", 3);
  {
    auto t = tt.edit(1);
    REQUIRE(t);
    CHECK(assign(*t, "c1", 10) == ec::none);
  } // the edit ends: counted as assigned
  CHECK(tt.job(id)->count(task_state::assigned) == 1);
  CHECK(tt.job(id)->count(task_state::pending) == 2);
  {
    auto t = tt.edit(1);
    apply_started(*t, t->lease_version, 11);
    t.commit(); // counted now, edit still open
    CHECK(tt.job(id)->count(task_state::running) == 1);
    reclaim(*t);
  }
  CHECK(tt.job(id)->count(task_state::running) == 0);
  CHECK(tt.job(id)->count(task_state::pending) == 3);
  CHECK(sum(*tt.job(id)) == 3);
}

TEST_CASE("a retired task leaves memory but stays counted in its end state") {
  task_table tt;
  auto id = store_job(tt, "a", 2);
  auto t = tt.edit(2);
  REQUIRE(assign(*t, "c1", 1) == ec::none);
  auto effect = apply_ack(*t, t->lease_version, task_outcome::succeeded, "ok", 2);
  CHECK(effect == ack_effect::succeeded);
  tt.retire(t);
  CHECK_FALSE(t);
  CHECK(tt.get(2) == nullptr);
  CHECK_FALSE(tt.contains(2));
  CHECK(tt.size() == 1);
  CHECK(tt.job(id)->count(task_state::succeeded) == 1);
  CHECK(tt.job(id)->terminal() == 1);
  CHECK_FALSE(tt.edit(2)); // gone: nothing to edit
}

TEST_CASE("a job is done only when sealed and every task is terminal, and only once") {
  task_table tt;
  auto id = store_job(tt, "a", 1, false);
  auto t = tt.edit(1);
  REQUIRE(cancel(*t, 5) == ec::none);
  tt.retire(t);
  auto& j = *tt.job(id);
  CHECK_FALSE(task_table::complete_if_done(j, 7)); // not sealed: more may come
  j.meta.sealed = true;
  CHECK(task_table::complete_if_done(j, 8));
  CHECK(j.done);
  CHECK(j.finished_ms == 8);
  CHECK_FALSE(task_table::complete_if_done(j, 9)); // once
  CHECK(j.finished_ms == 8);
}

TEST_CASE("a run's origin names one job, a refused new job gives its id back") {
  task_table tt;
  auto a = store_job(tt, "a", 1);
  auto [again, is_new] = tt.open_job("a");
  CHECK_FALSE(is_new);
  CHECK(again->meta.id == a);
  CHECK(tt.job_of_origin("a") == a);
  CHECK(tt.job_of_origin("b") == 0);
  auto [b, b_new] = tt.open_job("b");
  CHECK(b_new);
  auto bid = b->meta.id;
  CHECK(bid == a + 1);
  tt.forget_job(bid);
  CHECK(tt.job(bid) == nullptr);
  CHECK(tt.job_of_origin("b") == 0);
  auto [c, c_new] = tt.open_job("c");
  CHECK(c_new);
  CHECK(c->meta.id == bid); // nothing else took a number: reused
  CHECK(tt.job_ids() == std::vector<job_id>{a, bid});
}

TEST_CASE("recovery restores jobs, counts, lists and the next ids") {
  recovered_state rs;
  job j;
  j.id = 7;
  j.origin = "run";
  j.total = 3;
  j.sealed = true;
  rs.jobs.push_back(j);
  job_counts c;
  c.job = 7;
  c.by_state[static_cast<int>(task_state::succeeded)] = 2;
  c.by_state[static_cast<int>(task_state::pending)] = 1;
  rs.counts.push_back(c);
  rs.lists.push_back(stored_list{7, 0, 40, 3});
  rs.max_task_id = 42;
  rs.max_job_id = 7;
  task_table tt;
  tt.recover(rs);
  task t;
  t.id = 42;
  t.job = 7;
  tt.add_recovered(t); // already counted by the store
  CHECK(tt.job(7)->count(task_state::pending) == 1);
  CHECK(tt.job(7)->count(task_state::succeeded) == 2);
  CHECK(tt.job_of_origin("run") == 7);
  CHECK(tt.next_task() == 43);
  CHECK(tt.open_job("new").first->meta.id == 8);
  CHECK(tt.list_task_ids(7) == std::vector<task_id>{40, 41, 42});
  CHECK(tt.size() == 1);
}

TEST_CASE("ids_where and for_each see live tasks in id order") {
  task_table tt;
  store_job(tt, "a", 4);
  {
    auto t = tt.edit(3);
    REQUIRE(assign(*t, "c1", 1) == ec::none);
  }
  auto leased = tt.ids_where([](const task& t) { return t.state == task_state::assigned; });
  CHECK(leased == std::vector<task_id>{3});
  std::vector<task_id> seen;
  tt.for_each([&](const task& t) { seen.push_back(t.id); });
  CHECK(seen == std::vector<task_id>{1, 2, 3, 4});
}

} // TEST_SUITE
