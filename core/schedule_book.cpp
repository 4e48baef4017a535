// Schedule bookkeeping (core/schedule_book.hpp).
#include "core/schedule_book.hpp"

#include <fmt/format.h>

namespace drover {

result<checked_schedule> check_schedule_input(const schedule_input& in) {
  if (in.name.empty())
    return {ec::bad_input, "a schedule needs a 'name' (e.g. \"nightly-report\")"};
  if (in.name.size() > 200)
    return {ec::bad_input, "'name' is longer than 200 characters"};
  auto rec = parse_recurrence(in.every, in.cron);
  if (!rec)
    return std::move(rec).err();
  auto policy = parse_catch_up(in.catch_up);
  if (!policy)
    return std::move(policy).err();
  return checked_schedule{std::move(*rec), *policy};
}

result<schedule_record*> schedule_book::add(const schedule_input& in, const recurrence& rec,
                                            catch_up_policy policy, int64_t now_ms,
                                            bool upsert) {
  for (auto& [id, r] : records_)
    if (r.name == in.name) {
      if (!upsert)
        return error{ec::bad_transition,
                     fmt::format("a schedule named '{}' exists already (id {})", in.name, id)};
      bool timing_changed = r.every != in.every || r.cron != in.cron;
      r.job_template = in.job_template;
      r.every = in.every;
      r.cron = in.cron;
      r.catch_up = policy;
      if (timing_changed && r.running)
        change(r, rec, now_ms);
      return &r;
    }
  schedule_record r;
  r.id = next_id_++;
  r.name = in.name;
  r.job_template = in.job_template;
  r.every = in.every;
  r.cron = in.cron;
  r.catch_up = policy;
  r.anchor_ms = now_ms;
  r.last_fire_ms = now_ms;
  r.running = in.running;
  r.next_ms = in.running ? next_fire(rec, now_ms, now_ms) : -1;
  return &(records_[r.id] = std::move(r));
}

schedule_record& schedule_book::restore(schedule_record r) {
  next_id_ = std::max(next_id_, r.id + 1);
  auto id = r.id;
  return records_[id] = std::move(r);
}

schedule_record* schedule_book::find(uint64_t id) {
  auto i = records_.find(id);
  return i == records_.end() ? nullptr : &i->second;
}

void schedule_book::start(schedule_record& r, const recurrence& rec, int64_t now_ms) {
  if (r.running)
    return;
  r.running = true;
  change(r, rec, now_ms);
}

void schedule_book::stop(schedule_record& r) {
  r.running = false;
  r.next_ms = -1;
}

void schedule_book::change(schedule_record& r, const recurrence& rec, int64_t now_ms) {
  r.anchor_ms = now_ms;
  // Runs already missed before the change are not made up: count from now.
  r.last_fire_ms = std::max(r.last_fire_ms, now_ms);
  r.next_ms = r.running ? next_fire(rec, now_ms, now_ms) : -1;
}

schedule_run& schedule_book::fired(schedule_record& r, const recurrence& rec,
                                   int64_t fire_ms, int64_t now_ms) {
  ++r.runs;
  r.last_fire_ms = std::max(r.last_fire_ms, fire_ms);
  r.next_ms = next_fire(rec, r.anchor_ms, std::max(now_ms, r.last_fire_ms));
  r.recent.push_back(schedule_run{fire_ms, 0, {}});
  if (r.recent.size() > schedule_record::max_recent)
    r.recent.erase(r.recent.begin());
  return r.recent.back();
}

void schedule_book::submitted(schedule_record& r, int64_t fire_ms, job_id job,
                              std::string error) {
  for (auto& run : r.recent)
    if (run.fire_ms == fire_ms) {
      run.job = job;
      run.error = std::move(error);
    }
}

} // namespace drover
