// The scheduler actor (actors/scheduler.hpp). Decisions come from
// core/schedule.hpp and core/schedule_book.hpp; this file keeps the timers,
// the store and the manager in step with them.
#include "actors/scheduler.hpp"

#include <map>

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "actors/protocol_schedules.hpp"
#include "actors/protocol_watch.hpp"
#include "core/log.hpp"
#include "http/job_json.hpp"

namespace drover {

namespace {

/// What the book does not keep: the parsed forms and the timer generation.
struct live_schedule {
  recurrence rec;
  job_request job;          ///< the parsed template
  uint64_t generation = 0;  ///< bumped on every (re)arm; older timers are ignored
};

struct scheduler_state {
  scheduler_options opts;
  schedule_book book;
  std::map<uint64_t, live_schedule> live;
  static inline const char* name = "scheduler";
};

using scheduler_ptr = caf::stateful_actor<scheduler_state>*;

int64_t now_ms(scheduler_ptr self) {
  auto since_epoch = self->clock().now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count()
         + self->state.opts.wall_offset_ms;
}

/// The template as a job; ec::bad_input naming the template on failure.
error parse_template(const std::string& text, job_request& out) {
  auto parsed = parse_job_request(text, job_limits{});
  if (!parsed.err.message.empty())
    return {ec::bad_input, "job: " + parsed.err.message};
  out = std::move(parsed.job);
  return {};
}

/// The store actor writes it on its own thread and logs a failure: a save
/// never blocks the scheduler (the record is whole, so the next one heals a
/// lost write).
void save(scheduler_ptr self, const schedule_record& r) {
  self->send(self->state.opts.store, put_atom::value, r);
}

/// Arms the timer for r.next_ms (if running); any older timer turns stale.
void arm(scheduler_ptr self, const schedule_record& r) {
  auto& l = self->state.live[r.id];
  ++l.generation;
  if (!r.running || r.next_ms < 0)
    return;
  auto delay = std::max<int64_t>(0, r.next_ms - now_ms(self));
  self->delayed_send(self, std::chrono::milliseconds(delay), sch_fire_atom::value, r.id,
                     l.generation);
}

/// Starts the run of `r` that stands for `fire_ms`: a normal job whose
/// origin names the schedule and the fire time, so a run submitted again
/// after a crash is acknowledged, not stored twice.
void start_run(scheduler_ptr self, schedule_record& r, int64_t fire_ms) {
  auto& l = self->state.live.at(r.id);
  schedule_book::fired(r, l.rec, fire_ms, now_ms(self));
  save(self, r); // counted before it is sent: a crash now loses no accounting
  task_list list;
  list.origin = "schedule_" + std::to_string(r.id) + "_" + std::to_string(fire_ms);
  list.job_name = l.job.name;
  list.group = l.job.group;
  list.last = true;
  list.tasks = l.job.tasks;
  auto id = r.id;
  self->request(self->state.opts.manager, self->state.opts.submit_timeout, submit_atom::value,
                std::move(list))
    .then(
      [=](const list_ack& ack) {
        if (auto* rec = self->state.book.find(id)) {
          schedule_book::submitted(*rec, fire_ms, ack.job, {});
          save(self, *rec);
          self->send(self->state.opts.manager, note_atom::value,
                     static_cast<uint8_t>(event_type::schedule_fired), std::string{},
                     fmt::format("schedule {} ({}) fired: job {}", id, rec->name, ack.job),
                     ack.job);
        }
      },
      [=](caf::error& e) {
        auto why = self->system().render(e);
        log_error("scheduler: run of schedule {} at {} failed: {}", id, fire_ms, why);
        self->send(self->state.opts.manager, note_atom::value,
                   static_cast<uint8_t>(event_type::schedule_fired), std::string{},
                   fmt::format("schedule {} fired, but its job was refused: {}", id, why),
                   uint64_t{0});
        if (auto* rec = self->state.book.find(id)) {
          schedule_book::submitted(*rec, fire_ms, 0, why);
          save(self, *rec);
        }
      });
}

void on_fire(scheduler_ptr self, uint64_t id, uint64_t generation) {
  auto* r = self->state.book.find(id);
  auto l = self->state.live.find(id);
  if (!r || l == self->state.live.end() || l->second.generation != generation || !r->running)
    return; // stopped, changed, deleted: a stale timer
  start_run(self, *r, r->next_ms);
  arm(self, *r);
}

/// After a restart: puts each stored schedule back and applies its catch_up.
void restore_all(scheduler_ptr self, std::vector<schedule_record>& stored) {
  auto now = now_ms(self);
  for (auto& s : stored) {
    live_schedule l;
    auto rec = parse_recurrence(s.every, s.cron);
    error err = rec ? error{} : rec.err();
    if (rec)
      l.rec = std::move(*rec);
    if (err || (err = parse_template(s.job_template, l.job))) {
      log_error("scheduler: stored schedule {} ({}) is invalid and stays stopped: {}", s.id,
                s.name, err.message);
      s.running = false;
    }
    auto& r = self->state.book.restore(std::move(s));
    self->state.live[r.id] = std::move(l);
    if (!r.running) {
      r.next_ms = -1;
      continue;
    }
    auto plan = plan_catch_up(self->state.live[r.id].rec, r.anchor_ms, r.last_fire_ms, now,
                              r.catch_up);
    if (plan.missed > 0)
      log_info("scheduler: schedule {} ({}) missed {} runs; catch_up {} starts {}", r.id,
               r.name, plan.missed, to_string(r.catch_up), plan.runs.size());
    for (auto fire : plan.runs)
      start_run(self, r, fire);
    r.last_fire_ms = std::max(r.last_fire_ms, now); // skipped ones are accounted for
    r.next_ms = plan.next_ms;
    save(self, r);
    arm(self, r);
  }
}

caf::result<schedule_record> add(scheduler_ptr self, const schedule_input& in, bool upsert) {
  live_schedule l;
  auto checked = check_schedule_input(in);
  if (!checked)
    return to_caf(checked.err());
  l.rec = checked->rec;
  auto policy = checked->policy;
  if (auto err = parse_template(in.job_template, l.job))
    return to_caf(err);
  auto added = self->state.book.add(in, l.rec, policy, now_ms(self), upsert);
  if (!added)
    return to_caf(added.err());
  auto& r = **added;
  l.generation = self->state.live[r.id].generation;
  self->state.live[r.id] = std::move(l);
  save(self, r);
  arm(self, r);
  return r;
}

/// Runs `f` on the record `id` and its live part, saves and re-arms it.
template <class F>
caf::result<schedule_record> update(scheduler_ptr self, uint64_t id, F f) {
  auto* r = self->state.book.find(id);
  if (!r)
    return to_caf(error{ec::unknown_job, "no schedule " + std::to_string(id)});
  if (auto err = f(*r, self->state.live[id]))
    return to_caf(err);
  save(self, *r);
  arm(self, *r);
  return *r;
}

caf::behavior scheduler(scheduler_ptr self, scheduler_options opts) {
  self->state.opts = std::move(opts);
  // Nothing else is handled before the stored schedules are back: a config
  // upsert by name must find the record it replaces.
  self->request(self->state.opts.store, caf::infinite, sch_list_atom::value)
    .await([=](std::vector<schedule_record>& stored) { restore_all(self, stored); },
           [=](caf::error& e) {
             log_error("scheduler: cannot load schedules: {}", self->system().render(e));
           });
  return {
    [=](sch_add_atom, const schedule_input& in, bool upsert) { return add(self, in, upsert); },
    [=](sch_list_atom) {
      std::vector<schedule_record> out;
      for (auto& [id, r] : self->state.book.all())
        out.push_back(r);
      return out;
    },
    [=](sch_get_atom, uint64_t id) -> caf::result<schedule_record> {
      if (auto* r = self->state.book.find(id))
        return *r;
      return to_caf(error{ec::unknown_job, "no schedule " + std::to_string(id)});
    },
    [=](sch_start_atom, uint64_t id) {
      auto now = now_ms(self);
      return update(self, id, [=](schedule_record& r, live_schedule& l) {
        schedule_book::start(r, l.rec, now);
        return error{};
      });
    },
    [=](sch_stop_atom, uint64_t id) {
      return update(self, id, [](schedule_record& r, live_schedule&) {
        schedule_book::stop(r);
        return error{};
      });
    },
    [=](sch_change_atom, uint64_t id, const std::string& every, const std::string& cron) {
      auto now = now_ms(self);
      return update(self, id, [&](schedule_record& r, live_schedule& l) {
        auto parsed = parse_recurrence(every, cron);
        if (!parsed)
          return parsed.err();
        auto& rec = *parsed;
        l.rec = rec;
        r.every = every;
        r.cron = cron;
        schedule_book::change(r, rec, now);
        return error{};
      });
    },
    [=](sch_del_atom, uint64_t id) -> caf::result<schedule_record> {
      auto* r = self->state.book.find(id);
      if (!r)
        return to_caf(error{ec::unknown_job, "no schedule " + std::to_string(id)});
      schedule_record out = *r;
      out.running = false;
      out.next_ms = -1;
      auto rp = self->make_response_promise<schedule_record>();
      // Gone from the book once gone from the store, as before; awaited, so
      // no other request sees it half deleted.
      self->request(self->state.opts.store, caf::infinite, sch_del_atom::value, id)
        .await(
          [=]() mutable {
            self->state.book.remove(id);
            self->state.live.erase(id); // its timer finds no generation and is ignored
            rp.deliver(out);
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
      return rp;
    },
    [=](sch_fire_atom, uint64_t id, uint64_t generation) { on_fire(self, id, generation); },
  };
}

} // namespace

caf::actor spawn_scheduler(caf::actor_system& sys, scheduler_options opts) {
  return sys.spawn(scheduler, std::move(opts));
}

} // namespace drover
