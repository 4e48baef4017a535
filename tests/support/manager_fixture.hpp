// A manager with a memory store on the deterministic scheduler, fake
// consumers, and helpers to submit, ACK and read progress. Shared by the
// manager tests (manager_test.cpp, rules_swap_test.cpp, ...).
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "actors/manager.hpp"
#include "actors/manager_state.hpp"
#include "app/roles.hpp"
#include "core/handlers.hpp"
#include "store/task_store.hpp"
#include "actor_fixture.hpp"

namespace drover::testing {

/// Manager `mgr`'s snapshot, asked for as any reader would (a request).
inline manager_snapshot snapshot_from(actor_fixture& f, const caf::actor& mgr,
                                      bool with_tasks = false) {
  manager_snapshot out;
  auto req = f.self->request(mgr, caf::infinite, snapshot_atom::value, with_tasks);
  f.sched.run();
  req.receive([&](manager_snapshot& s) { out = std::move(s); },
              [&](caf::error& e) { FAIL(f.sys.render(e)); });
  return out;
}

struct manager_fixture : actor_fixture {
  std::shared_ptr<task_store> db;
  caf::actor store;
  caf::actor mgr;

  manager_fixture() : manager_fixture(manager_options{}) {}

  /// `opts` with the test's store and node name filled in.
  explicit manager_fixture(manager_options opts) {
    db = *open_store("memory"); // memory: cannot fail
    REQUIRE(db);
    opts.node = "m";
    auto manager = spawn_manager_role(sys, std::move(opts), db, false, store);
    keep(store);
    mgr = keep(manager);
    sched.run(); // recovery from the (empty) store
  }

  /// The manager's snapshot (see snapshot_from).
  manager_snapshot snap(bool with_tasks = false) { return snapshot_from(*this, mgr, with_tasks); }

  /// Live task `id` as the snapshot shows it; none once it left memory.
  std::optional<task_view> task_of(task_id id) {
    for (auto& t : snap(true).tasks)
      if (t.id == id)
        return t;
    return std::nullopt;
  }

  manager_state& st() { return state_of<manager_state>(mgr); }

  /// A fake consumer joined with `capacity` credit, running `types` (by
  /// default the built-in ones, as a real consumer announces them).
  std::shared_ptr<inbox> join(const std::string& node, uint32_t capacity,
                              std::vector<std::string> tags = {},
                              std::vector<std::string> types = builtin_handlers().types()) {
    auto box = std::make_shared<inbox>();
    auto hdl = keep(spawn_fake_consumer(sys, box));
    handles[node] = hdl;
    self->send(mgr, joined_atom::value,
               member_info{node, member_role::consumer, std::move(tags), capacity, "", "",
                           std::move(types)},
               hdl);
    sched.run();
    return box;
  }

  /// Submits `n` tasks of `type` as one sealed list; returns the ack.
  list_ack submit(uint32_t n, const std::string& type = "noop", uint32_t attempts = 1,
                  const std::string& origin = "p1_job", uint32_t seq = 0,
                  std::vector<std::string> tags = {}) {
    task_list list;
    list.origin = origin;
    list.job_name = "test";
    list.seq = seq;
    list.last = true;
    task_spec spec;
    spec.type = type;
    spec.max_attempts = attempts;
    spec.tags = std::move(tags);
    list.tasks.assign(n, spec);
    list_ack ack;
    auto err = try_submit(std::move(list), ack);
    if (err)
      FAIL("submit failed: " << sys.render(err));
    return ack;
  }

  /// `n` copies of `spec` as one sealed list of job "test".
  list_ack submit_spec(uint32_t n, const task_spec& spec) {
    task_list list;
    list.origin = "p1_job";
    list.job_name = "test";
    list.last = true;
    list.tasks.assign(n, spec);
    list_ack ack;
    auto err = try_submit(std::move(list), ack);
    if (err)
      FAIL("submit failed: " << sys.render(err));
    return ack;
  }

  /// Submits `list`; the manager's error, or none and `ack` filled in.
  caf::error try_submit(task_list list, list_ack& ack) {
    caf::error out;
    auto req = self->request(mgr, caf::infinite, submit_atom::value, std::move(list));
    sched.run();
    req.receive([&](const list_ack& a) { ack = a; }, [&](caf::error& e) { out = e; });
    return out;
  }

  void report(const std::string& node, std::vector<task_report> reports) {
    self->send(mgr, ack_atom::value, node, std::move(reports));
    sched.run();
  }

  static std::vector<task_report> ok_all(const inbox& box) {
    std::vector<task_report> out;
    for (auto& a : box.tasks)
      out.push_back(task_report{a.id, a.lease, task_outcome::succeeded, "done", 1});
    return out;
  }

  job_progress progress(job_id id) {
    job_progress p;
    auto req = self->request(mgr, caf::infinite, progress_atom::value, id);
    sched.run();
    req.receive([&](const job_progress& x) { p = x; },
                [&](caf::error& e) { FAIL(sys.render(e)); });
    return p;
  }

  uint64_t count(const job_progress& p, task_state s) {
    return p.by_state[static_cast<int>(s)];
  }

  std::map<std::string, caf::actor> handles;
};


} // namespace drover::testing
