// See task_table.hpp.
#include "manager/task_table.hpp"

#include <algorithm>

namespace drover {

uint64_t job_record::terminal() const {
  uint64_t n = 0;
  for (int s = 0; s < task_state_count; ++s)
    if (is_terminal(static_cast<task_state>(s)))
      n += by_state[s];
  return n;
}

// -- task_edit -----------------------------------------------------------------

task_edit::task_edit(task_edit&& other) noexcept
  : table_(other.table_), t_(other.t_), from_(other.from_) {
  other.t_ = nullptr;
}

task_edit& task_edit::operator=(task_edit&& other) noexcept {
  if (this != &other) {
    commit();
    table_ = other.table_;
    t_ = other.t_;
    from_ = other.from_;
    other.t_ = nullptr;
  }
  return *this;
}

void task_edit::commit() {
  if (t_ == nullptr)
    return;
  table_->moved(*t_, from_);
  from_ = t_->state;
}

// -- jobs ----------------------------------------------------------------------

job_record* task_table::job(job_id id) {
  auto i = jobs_.find(id);
  return i == jobs_.end() ? nullptr : &i->second;
}

const job_record* task_table::job(job_id id) const {
  auto i = jobs_.find(id);
  return i == jobs_.end() ? nullptr : &i->second;
}

std::pair<job_record*, bool> task_table::open_job(const std::string& origin) {
  auto [it, is_new] = job_by_origin_.emplace(origin, next_job_);
  auto& j = jobs_[it->second];
  if (is_new) {
    ++next_job_;
    j.meta.id = it->second;
    j.meta.origin = origin;
  }
  return {&j, is_new};
}

job_id task_table::job_of_origin(const std::string& origin) const {
  auto i = job_by_origin_.find(origin);
  return i == job_by_origin_.end() || jobs_.count(i->second) == 0 ? 0 : i->second;
}

void task_table::forget_job(job_id id) {
  if (auto j = jobs_.find(id); j != jobs_.end()) {
    job_by_origin_.erase(j->second.meta.origin);
    jobs_.erase(j);
  }
  if (next_job_ == id + 1)
    next_job_ = id; // nothing else took a number meanwhile: reuse it
}

std::vector<job_id> task_table::job_ids() const {
  std::vector<job_id> ids;
  ids.reserve(jobs_.size());
  for (auto& [id, j] : jobs_)
    ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool task_table::complete_if_done(job_record& j, int64_t now_ms) {
  if (!j.meta.sealed || j.done || j.terminal() < j.meta.total)
    return false;
  j.done = true;
  j.finished_ms = now_ms;
  return true;
}

// -- task lists ----------------------------------------------------------------

const stored_list* task_table::list(job_id id, uint32_t seq) const {
  auto i = lists_.find({id, seq});
  return i == lists_.end() ? nullptr : &i->second;
}

bool task_table::has_lists(job_id id) const {
  auto i = lists_.lower_bound({id, 0});
  return i != lists_.end() && i->first.first == id;
}

std::vector<uint32_t> task_table::list_seqs(job_id id) const {
  std::vector<uint32_t> out;
  for (auto i = lists_.lower_bound({id, 0}); i != lists_.end() && i->first.first == id; ++i)
    out.push_back(i->first.second);
  return out;
}

std::vector<task_id> task_table::list_task_ids(job_id id) const {
  std::vector<task_id> ids;
  for (auto i = lists_.lower_bound({id, 0}); i != lists_.end() && i->first.first == id; ++i)
    for (uint32_t k = 0; k < i->second.count; ++k)
      ids.push_back(i->second.first + k);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// -- tasks ---------------------------------------------------------------------

task_id task_table::take_ids(uint32_t count) {
  auto first = next_task_;
  next_task_ += count;
  return first;
}

void task_table::add_list(const stored_list& l, std::vector<task>& tasks) {
  lists_[{l.job, l.seq}] = l;
  if (auto* j = job(l.job))
    j->by_state[static_cast<int>(task_state::pending)] += tasks.size();
  for (auto& t : tasks) {
    auto id = t.id;
    tasks_.emplace(id, std::move(t));
  }
}

task_edit task_table::edit(task_id id) {
  auto i = tasks_.find(id);
  if (i == tasks_.end())
    return {};
  return task_edit{this, &i->second};
}

void task_table::retire(task_edit& e) {
  if (!e)
    return;
  e.commit();
  auto id = e->id;
  e.t_ = nullptr;
  if (auto i = tasks_.find(id); i != tasks_.end())
    tasks_.erase(i);
}

void task_table::moved(const task& t, task_state from) {
  if (t.state == from)
    return;
  if (auto* j = job(t.job)) {
    --j->by_state[static_cast<int>(from)];
    ++j->by_state[static_cast<int>(t.state)];
  }
}

// -- recovery ------------------------------------------------------------------

void task_table::recover(const recovered_state& rs) {
  for (auto& j : rs.jobs) {
    job_by_origin_[j.origin] = j.id;
    jobs_[j.id].meta = j;
  }
  for (auto& c : rs.counts)
    if (auto* j = job(c.job))
      j->by_state = c.by_state;
  for (auto& l : rs.lists)
    lists_[{l.job, l.seq}] = l;
  next_task_ = std::max(next_task_, rs.max_task_id + 1);
  next_job_ = std::max(next_job_, rs.max_job_id + 1);
}

void task_table::add_recovered(task t) {
  auto id = t.id;
  tasks_.emplace(id, std::move(t));
}

} // namespace drover
