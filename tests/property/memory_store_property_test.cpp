// memory_store keeps a task in two parts (store/memory_records.hpp) instead
// of whole: under any sequence of stored lists and changes it must answer
// get() and load() as a plain map of whole tasks with the version guard (what
// it kept before) does.
#include <map>
#include <string>
#include <vector>

#include "property.hpp"
#include "store/memory_records.hpp"
#include "store/memory_store.hpp"

using namespace drover;

namespace {

rc::Gen<std::string> text() { // empty, inline (<= 6 characters) and heap-held
  return rc::gen::element<std::string>("", "c1", "noop", "consumer-17",
                                       std::string("bin\0\xff", 5), "exit code 3: a long reason");
}

rc::Gen<std::vector<std::string>> tags() {
  return rc::gen::container<std::vector<std::string>>(
    rc::gen::element<std::string>("gpu", "linux", "a-rather-long-tag"));
}

/// A task with every field drawn; `fresh` keeps what a producer hands over
/// (no attempt yet), else the attempt fields are drawn too.
task draw_task(task_id id, job_id job, bool fresh) {
  task t;
  t.id = id;
  t.job = job;
  t.spec.type = *text();
  t.spec.payload = *text();
  t.spec.key = *text();
  t.spec.tags = *tags();
  t.spec.dedupe_key = *text();
  t.spec.prio = static_cast<priority>(*rc::gen::inRange(0, priority_count));
  t.spec.timeout_ms = *rc::gen::inRange<uint32_t>(0, 100000);
  t.spec.max_attempts = *rc::gen::inRange<uint32_t>(1, 5);
  t.created_ms = *rc::gen::inRange<int64_t>(0, 2'000'000'000'000);
  if (!fresh) {
    t.state = static_cast<task_state>(*rc::gen::inRange(0, task_state_count));
    t.version = *rc::gen::inRange<uint64_t>(0, 6);
    t.lease_version = *rc::gen::inRange<uint64_t>(0, 6);
    t.attempt = *rc::gen::inRange<uint32_t>(1, 4);
    t.consumer = *text();
    t.result = *text();
    t.assigned_ms = *rc::gen::inRange<int64_t>(0, 3);
    t.started_ms = *rc::gen::inRange<int64_t>(0, 3);
    t.finished_ms = *rc::gen::inRange<int64_t>(0, 3);
  }
  return t;
}

task_change draw_change(task_id id) {
  auto t = draw_task(id, 0, false);
  return change_of(t);
}

bool same(const task& a, const task& b) {
  return a.id == b.id && a.job == b.job && a.spec.type == b.spec.type
         && a.spec.payload == b.spec.payload && a.spec.key == b.spec.key
         && a.spec.tags == b.spec.tags && a.spec.dedupe_key == b.spec.dedupe_key
         && a.spec.prio == b.spec.prio && a.spec.timeout_ms == b.spec.timeout_ms
         && a.spec.max_attempts == b.spec.max_attempts && a.created_ms == b.created_ms
         && a.state == b.state && a.version == b.version && a.lease_version == b.lease_version
         && a.attempt == b.attempt && a.consumer == b.consumer && a.result == b.result
         && a.assigned_ms == b.assigned_ms && a.started_ms == b.started_ms
         && a.finished_ms == b.finished_ms;
}

} // namespace

TEST_CASE("a task split into memory_store's two parts joins back whole") {
  DROVER_PROPERTY("join_task(store_spec(t), store_progress(t)) == t", [] {
    auto t = draw_task(*rc::gen::inRange<task_id>(1, 1000), 3, *rc::gen::arbitrary<bool>());
    stored_spec spec;
    stored_progress progress;
    store_spec(t, spec);
    store_progress(t, progress);
    RC_ASSERT(same(join_task(t.id, spec, &progress), t));
    // Without its progress part only a task whose attempt fields are all
    // defaults comes back whole.
    RC_ASSERT(same(join_task(t.id, spec, nullptr), t) == !has_progress(t));
  });
}

TEST_CASE("memory_store answers get() and load() as a map of whole tasks does") {
  DROVER_PROPERTY("memory_store == map of tasks", [] {
    memory_store store;
    std::map<task_id, task> model;
    task_id next = 1;
    auto steps = *rc::gen::inRange(1, 30);
    for (int s = 0; s < steps; ++s) {
      if (*rc::gen::inRange(0, 3) == 0) { // a list of a job (1 or 2)
        job j;
        j.id = *rc::gen::inRange<job_id>(1, 3);
        j.origin = "o" + std::to_string(j.id);
        auto n = *rc::gen::inRange(0, 6);
        bool fresh = *rc::gen::arbitrary<bool>();
        std::vector<task> list;
        for (int i = 0; i < n; ++i)
          list.push_back(draw_task(next++, j.id, fresh));
        RC_ASSERT(!store.put_tasks(j, static_cast<uint32_t>(s), list));
        for (auto& t : list)
          model[t.id] = t;
      } else { // changes, some to unknown ids, some stale
        std::vector<task_change> changes;
        auto n = *rc::gen::inRange(1, 5);
        for (int i = 0; i < n; ++i) {
          auto c = draw_change(*rc::gen::inRange<task_id>(1, next + 2));
          changes.push_back(c);
          auto m = model.find(c.id);
          if (m == model.end() || m->second.version >= c.version)
            continue;
          auto& t = m->second;
          t.state = c.state;
          t.version = c.version;
          t.attempt = c.attempt;
          t.lease_version = c.lease_version;
          t.consumer = c.consumer;
          t.result = c.result;
          t.assigned_ms = c.assigned_ms;
          t.started_ms = c.started_ms;
          t.finished_ms = c.finished_ms;
        }
        RC_ASSERT(!store.apply(changes));
      }
    }
    for (task_id id = 1; id < next + 2; ++id) {
      auto got = store.get(id);
      auto m = model.find(id);
      RC_ASSERT(static_cast<bool>(got) == (m != model.end()));
      if (got)
        RC_ASSERT(same(got->t, m->second));
    }
    auto loaded = store.load();
    RC_ASSERT(static_cast<bool>(loaded));
    std::vector<task> open;
    std::map<job_id, std::array<uint64_t, task_state_count>> counts;
    for (auto& [id, t] : model) {
      ++counts[t.job][static_cast<int>(t.state)];
      if (!is_terminal(t.state))
        open.push_back(t);
    }
    RC_ASSERT(loaded->unfinished.size() == open.size());
    for (size_t i = 0; i < open.size(); ++i)
      RC_ASSERT(same(loaded->unfinished[i], open[i]));
    RC_ASSERT(loaded->counts.size() == counts.size());
    for (auto& c : loaded->counts)
      RC_ASSERT(c.by_state == counts[c.job]);
  });
}
