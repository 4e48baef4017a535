// memory_store: every method validates first and mutates second, so a
// refused call leaves the maps as they were, like a rolled-back transaction.
#include "store/memory_store.hpp"

#include <algorithm>

#include "store/tag_check.hpp"

namespace drover {

namespace {

// Lists come with ascending ids, checked in one pass; only others are sorted.
bool ids_are_distinct(const std::vector<task>& tasks) {
  auto not_ascending = [](const task& a, const task& b) { return a.id >= b.id; };
  if (std::adjacent_find(tasks.begin(), tasks.end(), not_ascending) == tasks.end())
    return true;
  std::vector<task_id> ids;
  ids.reserve(tasks.size());
  for (const auto& t : tasks)
    ids.push_back(t.id);
  std::sort(ids.begin(), ids.end());
  return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

} // namespace

error memory_store::put_tasks(const job& j, uint32_t seq,
                              const std::vector<task>& tasks) {
  if (!j.origin.empty()) {
    auto o = origins_.find(j.origin);
    if (o != origins_.end() && o->second != j.id)
      return {ec::bad_input, "job origin '" + j.origin + "' already belongs to job "
                               + std::to_string(o->second)};
  }
  auto key = std::make_pair(j.id, seq);
  bool resent = lists_.count(key) != 0;
  if (!resent) {
    if (auto err = tags_are_storable(tasks))
      return err;
    for (const auto& t : tasks)
      if (specs_.count(t.id) != 0)
        return {ec::bad_input, "task " + std::to_string(t.id) + " is already stored"};
    if (!ids_are_distinct(tasks))
      return {ec::bad_input, "a task id appears twice in the list"};
  }
  // Same as sqlite's upsert: a known job has its total updated, and once
  // sealed stays sealed (a late re-send of an earlier list cannot unseal it).
  auto [it, inserted] = jobs_.emplace(j.id, j);
  if (!inserted)
    update_job(it->second, j);
  else if (!j.origin.empty())
    origins_.emplace(j.origin, j.id);
  if (resent)
    return {}; // acknowledged again, not stored twice
  stored_list l{j.id, seq, tasks.empty() ? 0 : tasks.front().id,
                static_cast<uint32_t>(tasks.size())};
  lists_.emplace(key, l);
  for (const auto& t : tasks) {
    store_spec(t, specs_.emplace(t.id).first->second);
    if (has_progress(t))
      store_progress(t, progress_.emplace(t.id).first->second);
    max_task_id_ = std::max(max_task_id_, t.id);
  }
  return {};
}

task memory_store::whole(task_id id, const stored_spec& spec) const {
  return join_task(id, spec, progress_.get(id));
}

void memory_store::update_job(job& stored, const job& j) {
  stored.total = j.total;
  stored.sealed = stored.sealed || j.sealed;
  stored.producer = j.producer;
  stored.pushed_ms = j.pushed_ms;
  stored.cancelled = stored.cancelled || j.cancelled;
}

error memory_store::put_job(const job& j) {
  auto it = jobs_.find(j.id);
  if (it == jobs_.end())
    return {ec::unknown_job, "no job " + std::to_string(j.id) + " in the store"};
  update_job(it->second, j);
  return {};
}

error memory_store::apply(const std::vector<task_change>& changes) {
  for (const auto& c : changes) {
    auto it = specs_.find(c.id);
    auto p = it == specs_.end() ? progress_.end() : progress_.find(c.id);
    if (it != specs_.end() && (p == progress_.end() ? 0 : p->second.version) < c.version) {
      it->second.state = c.state;
      if (p == progress_.end()) // the first change that reaches it
        p = progress_.emplace(c.id).first;
      auto& t = p->second;
      t.version = c.version;
      t.attempt = c.attempt;
      t.lease_version = c.lease_version;
      t.consumer = c.consumer;
      t.result = c.result;
      t.assigned_ms = c.assigned_ms;
      t.started_ms = c.started_ms;
      t.finished_ms = c.finished_ms;
    }
    // Events are a log, kept even when the guard skips the columns: a stale
    // ACK is recorded without moving the task's version.
    if (c.event != event_kind::none)
      events_[c.id].push_back({c.event, c.version, c.event_ms, c.detail});
  }
  return {};
}

result<recovered_state> memory_store::load() {
  recovered_state out;
  out.epoch = ++epoch_;
  out.jobs.reserve(jobs_.size());
  for (const auto& [id, j] : jobs_)
    out.jobs.push_back(j);
  out.max_job_id = jobs_.empty() ? 0 : jobs_.rbegin()->first;
  out.max_task_id = max_task_id_;
  for (const auto& [key, l] : lists_)
    out.lists.push_back(l);
  std::map<job_id, job_counts> counts;
  specs_.for_each([&](task_id id, const stored_spec& t) { // ids ascending
    auto& c = counts[t.job];
    c.job = t.job;
    ++c.by_state[static_cast<int>(t.state)];
    if (!is_terminal(t.state))
      out.unfinished.push_back(whole(id, t));
  });
  for (const auto& [id, c] : counts)
    out.counts.push_back(c);
  return out;
}

result<task_with_events> memory_store::get(task_id id) {
  auto* spec = specs_.get(id);
  if (spec == nullptr)
    return {ec::unknown_task, "no task " + std::to_string(id) + " in the store"};
  task_with_events out{whole(id, *spec), {}};
  if (auto e = events_.find(id); e != events_.end())
    out.events = e->second;
  return out;
}

result<task_page> memory_store::list_tasks(const task_query& q) {
  task_page out;
  std::vector<stored_list> lists;
  for (auto l = lists_.lower_bound({q.job, 0}); l != lists_.end() && l->first.first == q.job; ++l)
    lists.push_back(l->second);
  std::vector<task_id> ids;
  if (is_filtered(q)) { // a scan of every task: the memory store is for tests and small runs
    std::vector<task_id> all;
    specs_.for_each([&](task_id id, const stored_spec& t) {
      if (matches(q, whole(id, t)))
        all.push_back(id);
    });
    std::sort(all.begin(), all.end());
    out.total = all.size();
    for (auto i = q.offset; i < all.size() && ids.size() < q.limit; ++i)
      ids.push_back(all[i]);
  } else if (q.any_state) {
    for (const auto& l : lists)
      out.total += l.count;
    ids = page_of(std::move(lists), q.offset, q.limit);
  } else {
    // Every task of the job in the state, counted; those in the window kept.
    std::sort(lists.begin(), lists.end(),
              [](const stored_list& a, const stored_list& b) { return a.first < b.first; });
    for (const auto& l : lists)
      for (auto id = l.first; id < l.first + l.count; ++id) {
        auto* t = specs_.get(id);
        if (t == nullptr || t->state != q.state)
          continue;
        if (out.total++ >= q.offset && ids.size() < q.limit)
          ids.push_back(id);
      }
  }
  for (auto id : ids)
    if (auto* t = specs_.get(id))
      out.tasks.push_back(summary_of(whole(id, *t), q.max_result));
  return out;
}

} // namespace drover
