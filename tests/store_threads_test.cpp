// Blocking stores run where DESIGN says: every SQLite write of the manager's
// file (tasks and schedules) on the store actor's one thread, and the
// courier's and mailboxes' stores on a store worker's thread, never on the
// owner's (a CAF scheduler thread). Real threads here (that is the point),
// with bounded waits; the virtual-time behaviour of the owners is covered by
// the scheduler and data_courier tests.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "actors/protocol_schedules.hpp"
#include "actors/store_actor.hpp"
#include "actors/store_worker.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"

using namespace drover;
using namespace std::chrono_literals;

namespace {

/// The threads that called into a store.
struct thread_log {
  std::mutex mtx;
  std::set<std::thread::id> ids;
  void note() {
    std::lock_guard<std::mutex> g{mtx};
    ids.insert(std::this_thread::get_id());
  }
  std::set<std::thread::id> seen() {
    std::lock_guard<std::mutex> g{mtx};
    return ids;
  }
};

/// A task_store that notes the calling thread, then forwards.
struct noting_task_store final : task_store {
  std::shared_ptr<task_store> inner;
  std::shared_ptr<thread_log> log;
  error put_tasks(const job& j, uint32_t seq, const std::vector<task>& t) override {
    log->note();
    return inner->put_tasks(j, seq, t);
  }
  error put_job(const job& j) override {
    log->note();
    return inner->put_job(j);
  }
  error apply(const std::vector<task_change>& c) override {
    log->note();
    return inner->apply(c);
  }
  result<recovered_state> load() override {
    log->note();
    return inner->load();
  }
  result<task_with_events> get(task_id id) override {
    log->note();
    return inner->get(id);
  }
  result<task_page> list_tasks(const task_query& q) override {
    log->note();
    return inner->list_tasks(q);
  }
};

struct noting_schedule_store final : schedule_store {
  std::shared_ptr<schedule_store> inner;
  std::shared_ptr<thread_log> log;
  error save(const schedule_record& r) override {
    log->note();
    return inner->save(r);
  }
  error remove(uint64_t id) override {
    log->note();
    return inner->remove(id);
  }
  result<std::vector<schedule_record>> load() override {
    log->note();
    return inner->load();
  }
};

struct real_system {
  struct config : caf::actor_system_config {
    config() {
      set("scheduler.max-threads", 2);
      add_drover_types(*this);
    }
  };
  config cfg;
  caf::actor_system sys{cfg};
};

} // namespace

TEST_SUITE("store threads") {

TEST_CASE("tasks and schedules of one file are written by the store actor's one thread") {
  real_system rs;
  auto log = std::make_shared<thread_log>();
  auto tasks = std::make_shared<noting_task_store>();
  tasks->inner = std::shared_ptr<task_store>(*open_store("memory"));
  tasks->log = log;
  auto schedules = std::make_shared<noting_schedule_store>();
  schedules->inner = std::make_shared<memory_schedule_store>();
  schedules->log = log;
  auto store = spawn_store_actor(rs.sys, tasks, true, schedules);
  // Two senders at once, as the manager and the scheduler are.
  auto writer = [&](int base) {
    caf::scoped_actor self{rs.sys};
    for (int i = 0; i < 20; ++i) {
      job j;
      j.id = static_cast<job_id>(base + i);
      j.origin = "o" + std::to_string(base + i);
      task t;
      t.id = static_cast<task_id>(base + i);
      t.job = j.id;
      self->request(store, 5s, put_atom::value, j, uint32_t{0}, std::vector<task>{t})
        .receive([](std::vector<task>&) {}, [](caf::error& e) { FAIL(to_string(e)); });
      schedule_record r;
      r.id = static_cast<uint64_t>(base + i);
      r.name = "s" + std::to_string(base + i);
      self->send(store, put_atom::value, r);
    }
  };
  std::thread a{writer, 1000}, b{writer, 2000};
  a.join();
  b.join();
  caf::scoped_actor self{rs.sys};
  std::vector<schedule_record> all;
  self->request(store, 5s, sch_list_atom::value)
    .receive([&](std::vector<schedule_record>& got) { all = std::move(got); },
             [](caf::error& e) { FAIL(to_string(e)); });
  CHECK(all.size() == 40); // every save arrived, before the list it preceded
  auto seen = log->seen();
  CHECK(seen.size() == 1); // one writer thread for the file
  CHECK_FALSE(seen.count(std::this_thread::get_id()));
  self->send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE("a store worker runs its owner's jobs in order on its own thread, "
          "and the outcomes on the owner's") {
  real_system rs;
  struct counter_store {
    std::vector<int> order;
    std::set<std::thread::id> threads;
  };
  auto store = std::make_shared<counter_store>();
  auto worker = spawn_store_worker(rs.sys, store, true);
  auto owner_threads = std::make_shared<thread_log>();
  auto outcomes = std::make_shared<std::vector<int>>();
  auto owner = rs.sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    return {
      [=](int n) {
        owner_threads->note();
        for (int i = 0; i < n; ++i)
          on_store<counter_store>(
            self, worker,
            [i](counter_store& s) {
              s.order.push_back(i);
              s.threads.insert(std::this_thread::get_id());
              return i * 10;
            },
            [=](int& out) {
              owner_threads->note();
              outcomes->push_back(out);
            });
      },
      [=](get_atom) { return static_cast<int>(outcomes->size()); },
      store_done_handler(),
    };
  });
  caf::scoped_actor self{rs.sys};
  self->send(owner, 50);
  int done = 0;
  for (int tries = 0; tries < 500 && done < 50; ++tries) { // bounded: 5 s at most
    self->request(owner, 1s, get_atom::value).receive([&](int n) { done = n; },
                                                       [](caf::error&) {});
    if (done < 50)
      std::this_thread::sleep_for(10ms);
  }
  REQUIRE(done == 50);
  std::vector<int> want;
  for (int i = 0; i < 50; ++i)
    want.push_back(i);
  CHECK(store->order == want);
  REQUIRE(store->threads.size() == 1);
  auto worker_thread = *store->threads.begin();
  CHECK_FALSE(owner_threads->seen().count(worker_thread)); // never on the worker
  for (int i = 0; i < 50; ++i)
    CHECK((*outcomes)[static_cast<size_t>(i)] == i * 10);
  self->send_exit(owner, caf::exit_reason::user_shutdown);
  self->send_exit(worker, caf::exit_reason::user_shutdown);
}

} // TEST_SUITE
