// Parked tasks and their reasons; see waiting.hpp.
#include "rules/waiting.hpp"

#include <algorithm>

namespace drover {

namespace {

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags)
    out += (out.empty() ? "" : ",") + t;
  return out;
}

/// Largest first, then by reason text: a stable order for readers.
void sort_groups(std::vector<waiting_group>& gs) {
  std::sort(gs.begin(), gs.end(), [](const waiting_group& a, const waiting_group& b) {
    return a.tasks != b.tasks ? a.tasks > b.tasks : a.reason < b.reason;
  });
}

} // namespace

const char* to_string(unassignable_kind k) {
  switch (k) {
    case unassignable_kind::none: return "none";
    case unassignable_kind::no_type: return "no_type";
    case unassignable_kind::no_tags: return "no_tags";
    case unassignable_kind::rule: return "rule";
  }
  return "none";
}

std::string describe(unassignable_kind why, std::string_view type, std::string_view detail) {
  std::string t = "type '" + std::string{type} + "'";
  switch (why) {
    case unassignable_kind::no_type: return "no live consumer runs " + t;
    case unassignable_kind::no_tags:
      return "no live consumer that runs " + t + " has tags [" + std::string{detail} + "]";
    case unassignable_kind::rule:
      return "rule '" + std::string{detail} + "' admits no live consumer that runs " + t
             + " (see its to: filter)";
    case unassignable_kind::none: break;
  }
  return "assignable";
}

void waiting_tasks::park(task_id id, job_id job, priority prio, unassignable_kind why,
                         std::string_view type, const std::vector<std::string>& tags,
                         std::string_view rule_name) {
  auto reason = intern(why, type, tags, rule_name);
  entries_.push_back(entry{id, job, reason, prio});
  ++reasons_[reason].tasks;
  ++by_job_[job][reason];
  ++by_prio_[static_cast<int>(prio)];
}

uint32_t waiting_tasks::intern(unassignable_kind why, std::string_view type,
                               const std::vector<std::string>& tags,
                               std::string_view rule_name) {
  if (last_ >= 0) { // the common case: the same reason as the task before
    const auto& r = reasons_[last_];
    if (r.why == why && r.type == type
        && (why != unassignable_kind::no_tags || tags == last_tags_)
        && (why != unassignable_kind::rule || r.detail == rule_name))
      return static_cast<uint32_t>(last_);
  }
  std::string detail = why == unassignable_kind::no_tags ? join_tags(tags)
                       : why == unassignable_kind::rule  ? std::string{rule_name}
                                                         : std::string{};
  std::string key = std::string(1, static_cast<char>(why)) + std::string{type} + '\0' + detail;
  auto [it, added] = index_.emplace(std::move(key), static_cast<uint32_t>(reasons_.size()));
  if (added)
    reasons_.push_back(reason_entry{why, std::string{type}, std::move(detail), 0});
  last_ = static_cast<int>(it->second);
  last_tags_ = tags;
  return static_cast<uint32_t>(last_);
}

std::vector<task_id> waiting_tasks::take_all() {
  std::vector<task_id> ids;
  ids.reserve(entries_.size());
  for (const auto& e : entries_)
    ids.push_back(e.id);
  *this = waiting_tasks{};
  return ids;
}

void waiting_tasks::drop(const entry& e) {
  --reasons_[e.reason].tasks;
  --by_prio_[static_cast<int>(e.prio)];
  auto j = by_job_.find(e.job);
  if (j == by_job_.end())
    return;
  auto r = j->second.find(e.reason);
  if (r != j->second.end() && --r->second == 0)
    j->second.erase(r);
  if (j->second.empty())
    by_job_.erase(j);
}

void waiting_tasks::forget(task_id id) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [id](const entry& e) { return e.id == id; });
  if (it == entries_.end())
    return;
  drop(*it);
  entries_.erase(it);
}

void waiting_tasks::forget_job(job_id job) {
  auto gone = std::stable_partition(entries_.begin(), entries_.end(),
                                    [job](const entry& e) { return e.job != job; });
  for (auto it = gone; it != entries_.end(); ++it)
    drop(*it);
  entries_.erase(gone, entries_.end());
}

uint64_t waiting_tasks::count_of(job_id job) const {
  auto j = by_job_.find(job);
  uint64_t n = 0;
  if (j != by_job_.end())
    for (const auto& [reason, tasks] : j->second)
      n += tasks;
  return n;
}

waiting_group waiting_tasks::group(uint32_t reason, uint64_t tasks) const {
  const auto& r = reasons_[reason];
  return waiting_group{to_string(r.why), r.type, r.detail, describe(r.why, r.type, r.detail),
                       tasks};
}

std::vector<waiting_group> waiting_tasks::groups_of(job_id job) const {
  std::vector<waiting_group> out;
  if (auto j = by_job_.find(job); j != by_job_.end())
    for (const auto& [reason, tasks] : j->second)
      out.push_back(group(reason, tasks));
  sort_groups(out);
  return out;
}

std::vector<waiting_group> waiting_tasks::groups() const {
  std::vector<waiting_group> out;
  for (uint32_t r = 0; r < reasons_.size(); ++r)
    if (reasons_[r].tasks > 0)
      out.push_back(group(r, reasons_[r].tasks));
  sort_groups(out);
  return out;
}

} // namespace drover
