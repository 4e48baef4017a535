// The schedules (recurring jobs) a manager process keeps: what each one
// is, what it has run, and the pure decisions on it. The scheduler actor
// (actors/scheduler.cpp) owns one book, arms the timers it asks for and
// submits the runs; store/schedule_store.hpp persists the records.
// Times are unix ms, passed in; nothing here reads a clock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/schedule.hpp"
#include "core/task.hpp"

namespace drover {

/// One run of a schedule: a normal job.
struct schedule_run {
  int64_t fire_ms = 0;   ///< the fire time it stands for
  job_id job = 0;        ///< 0 until the manager stored it (or if it failed)
  std::string error;     ///< why the submission failed; empty if it did not
};

/// A schedule as stored and as shown by GET /v1/schedules/{id}.
struct schedule_record {
  uint64_t id = 0;
  std::string name;                ///< unique; the config file upserts by it
  std::string job_template;        ///< the JSON body POST /v1/jobs takes
  std::string every;               ///< "30s", or empty
  std::string cron;                ///< "*/5 * * * *", or empty
  catch_up_policy catch_up = catch_up_policy::one;
  bool running = true;
  int64_t anchor_ms = 0;           ///< origin of the `every` grid: created, started or changed
  int64_t last_fire_ms = 0;        ///< runs up to here are accounted for: the fire time
                                   ///< of the last run started, or the creation, start
                                   ///< or change time; catch-up counts misses after it
  int64_t next_ms = -1;            ///< the next fire time while running; -1 otherwise
  uint64_t runs = 0;               ///< runs started since creation
  std::vector<schedule_run> recent; ///< the latest runs, oldest first, at most max_recent
  static constexpr size_t max_recent = 20;
};

/// What a client gives to create (or, from the config, upsert) a schedule.
struct schedule_input {
  std::string name;
  std::string job_template;
  std::string every;
  std::string cron;
  std::string catch_up = "one";
  bool running = true;
};

/// Checks everything but the template (the caller validates that): a name,
/// exactly one of every/cron and a valid one, a known catch_up.
/// ec::bad_input with what to fix.
struct checked_schedule {
  recurrence rec;
  catch_up_policy policy = catch_up_policy::one;
};
result<checked_schedule> check_schedule_input(const schedule_input& in);

class schedule_book {
public:
  /// Adds a new schedule (ids count up from 1) at `now_ms`; if `upsert` and
  /// the name exists, replaces its template, timing and catch-up instead
  /// and keeps its history (running state too). A name taken without
  /// `upsert` is ec::bad_transition. The input must have passed
  /// check_schedule_input. Returns the record in the book (never null).
  [[nodiscard]] result<schedule_record*> add(const schedule_input& in, const recurrence& rec,
                                             catch_up_policy policy, int64_t now_ms,
                                             bool upsert);

  /// Puts back a stored record as is (after a restart); keeps ids unique.
  schedule_record& restore(schedule_record r);

  schedule_record* find(uint64_t id);
  const std::map<uint64_t, schedule_record>& all() const { return records_; }
  bool remove(uint64_t id) { return records_.erase(id) > 0; }

  /// Starts a stopped schedule: the `every` grid restarts at now. Missed
  /// runs while stopped are not made up. No-op if it runs already.
  static void start(schedule_record& r, const recurrence& rec, int64_t now_ms);
  static void stop(schedule_record& r);
  /// A new period from now on: the grid restarts at now.
  static void change(schedule_record& r, const recurrence& rec, int64_t now_ms);

  /// A run for `fire_ms` starts: counts it and moves next_ms past `now_ms`.
  static schedule_run& fired(schedule_record& r, const recurrence& rec, int64_t fire_ms,
                             int64_t now_ms);
  /// The manager answered for the run of `fire_ms`.
  static void submitted(schedule_record& r, int64_t fire_ms, job_id job, std::string error);

private:
  std::map<uint64_t, schedule_record> records_;
  uint64_t next_id_ = 1;
};

} // namespace drover
