// Scenario timeline entries for schedules:
//   - { at: 0ms, schedule: { name: tick, every: 1s, catch_up: one,
//                            job: { job: tick, tasks: 2, type: noop } } }
//   - { at: 3s, schedule_change: { name: tick, every: 2s } }   # or cron
//   - { at: 9s, schedule_stop: tick }
//   - { at: 12s, schedule_start: tick }
// The timing is checked here, with the schedule parser's own words.
#include "core/schedule.hpp"
#include "replay/scenario_parts.hpp"

namespace drover::replay {

namespace {

void read_timing(yaml_reader& r, const field& f, action& a) {
  if (auto v = r.read_string(find(f.value, "every"), "every"))
    a.every = *v;
  if (auto v = r.read_string(find(f.value, "cron"), "cron"))
    a.cron = *v;
  if (auto rec = parse_recurrence(a.every, a.cron); !rec)
    r.fail(f.mark(), rec.err().message);
}

} // namespace

void read_schedule_action(yaml_reader& r, const field& f, action& a) {
  auto& n = f.value;
  auto what = f.key.Scalar();
  if (a.kind == action_kind::schedule_stop || a.kind == action_kind::schedule_start) {
    if (auto name = r.read_string(f, what.c_str()))
      a.schedule_name = *name;
    else
      r.fail(f.mark(), what + " needs the schedule's name, e.g. " + what + ": tick");
    return;
  }
  bool create = a.kind == action_kind::schedule;
  if (!r.check_map(n, f.mark(), what,
                   create ? keys{"name", "every", "cron", "catch_up", "job"}
                          : keys{"name", "every", "cron"}))
    return;
  if (auto name = r.read_string(find(n, "name"), "name"))
    a.schedule_name = *name;
  else
    r.fail(f.mark(), what + " needs a 'name'");
  read_timing(r, f, a);
  if (!create)
    return;
  if (auto catch_up = r.read_string(find(n, "catch_up"), "catch_up")) {
    a.catch_up = *catch_up;
    if (auto policy = parse_catch_up(a.catch_up); !policy)
      r.fail(find(n, "catch_up").mark(), policy.err().message);
  }
  if (auto j = find(n, "job"))
    read_job(r, j, a.job);
  else
    r.fail(f.mark(), "schedule needs a 'job' (e.g. job: { job: tick, tasks: 1, type: noop })");
}

} // namespace drover::replay
